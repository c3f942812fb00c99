// Validates the JSON entries of a batch zip against docs/formats/json.schema.json (draft 2020-12),
// each against the schema of its file kind, and checks every entry name is a safe relative path.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { MemoryZipSink } from "../../testing/memory-zip-sink.ts";

const schemaUrl = new URL("../../../../../docs/formats/json.schema.json", import.meta.url);
const schema = JSON.parse(readFileSync(schemaUrl, "utf8")) as { $id: string };

const ajv = new Ajv2020({ allErrors: true, strict: true });
ajv.addSchema(schema);

function validator(kind: "usersFile" | "teamsFile" | "chatDayFile") {
  const v = ajv.getSchema(`${schema.$id}#/$defs/${kind}`);
  if (v === undefined) throw new Error(`no $defs/${kind} in the schema`);
  return v;
}

export const validators = {
  usersFile: validator("usersFile"),
  teamsFile: validator("teamsFile"),
  chatDayFile: validator("chatDayFile"),
  any: ajv.getSchema(schema.$id)!,
};

export function kindOf(path: string): keyof typeof validators | null {
  if (path === "People_And_Groups/users.json") return "usersFile";
  if (path === "Teams/teams.json") return "teamsFile";
  if (/^(People_Chats|Team_Chats)\/[^/]+\/\d{4}-\d{2}-\d{2}\.json$/.test(path))
    return "chatDayFile";
  return null;
}

/** A zip entry name no unzip tool reads as leaving its folder, hiding, or breaking a line. */
export function assertSafeEntryName(name: string): void {
  assert.ok(!name.startsWith("/"), `absolute: ${JSON.stringify(name)}`);
  assert.doesNotMatch(
    name,
    /[\\:*?"<>|\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u,
    `bad character in ${JSON.stringify(name)}`,
  );
  for (const segment of name.split("/")) {
    assert.ok(
      segment !== "" && segment !== "." && segment !== "..",
      `bad segment in ${JSON.stringify(name)}`,
    );
    assert.ok(!segment.includes(".."), `".." in ${JSON.stringify(name)}`);
    assert.doesNotMatch(
      segment,
      /^[. ]|[. ]$/,
      `leading/trailing dot or space in ${JSON.stringify(name)}`,
    );
    assert.ok(
      Buffer.byteLength(segment, "utf8") <= 255,
      `segment too long in ${JSON.stringify(name)}`,
    );
  }
}

/** Every JSON entry valid against its kind's schema (and the top-level oneOf), every name safe. */
export function assertValidExport(zip: MemoryZipSink): void {
  for (const entry of zip.entries) {
    assertSafeEntryName(entry.name);
    if (!entry.name.endsWith(".json")) continue;
    const kind = kindOf(entry.name);
    assert.ok(kind !== null, `unexpected JSON entry ${entry.name}`);
    const text = entry.data.toString("utf8");
    assert.ok(text.endsWith("}\n"), `${entry.name} ends with a newline`);
    const doc: unknown = JSON.parse(text);
    for (const v of [validators[kind], validators.any]) {
      if (!v(doc))
        assert.fail(`${entry.name} fails the schema: ${JSON.stringify(v.errors, null, 2)}`);
    }
  }
}
