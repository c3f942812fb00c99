import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { after, before, test } from "node:test";
import { env } from "../config/env.ts";
import { createAdmin } from "../auth/create-admin.ts";
import { db } from "../db/client.ts";
import { runCli } from "../cli/testing/run-cli.ts";
import { writeFileBytes } from "../ingest/file-store.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { attachmentKey } from "./key-ring.ts";
import { ZAttachmentKeyFile } from "./key-file.ts";

let t: TestDatabase;
const PASSWORD = "correct horse battery staple 1729";
before(async () => {
  t = await useTestDatabase();
});
after(async () => t.cleanup());

/** Every audit record, in the database and in the JSON-lines file. */
async function allAuditText(): Promise<string> {
  const rows = await db().auditRecord.findMany();
  const file = env().auditLogFile;
  return rows.map((r) => r.json).join("\n") + (existsSync(file) ? readFileSync(file, "utf8") : "");
}

test("keys list: an empty ring, then k1 once a file is stored, with --files counts", async () => {
  const empty = await runCli(["keys", "list", "--json"]);
  assert.equal(empty.code, 0, empty.stderr);
  assert.deepEqual(JSON.parse(empty.stdout), { keys: [] });
  await writeFileBytes({ fileId: "cli1", source: Readable.from([Buffer.from("one")]) });
  await writeFileBytes({ fileId: "cli2", source: Readable.from([Buffer.from("two")]) });
  const listed = JSON.parse((await runCli(["keys", "list", "--files", "--json"])).stdout);
  assert.equal(listed.keys.length, 1);
  assert.equal(listed.keys[0].id, "k1");
  assert.equal(listed.keys[0].state, "current");
  assert.equal(listed.keys[0].files, 2);
  assert.equal(listed.plaintextFiles, 0);
  const text = await runCli(["keys", "list"]);
  assert.match(text.stdout, /^ID +STATE +CREATED +RETIRED\nk1 +current +\d{4}-/);
});

test("keys rotate through the CLI is audited with what it did, and keys list shows the retired key", async () => {
  const r = await runCli(["keys", "rotate", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  assert.equal(result.keyId, "k2");
  assert.equal(result.rewrapped, 2);
  assert.deepEqual(result.retired, ["k1"]);
  const audit = await db().auditRecord.findMany({ where: { eventName: "rotateAttachmentKey" } });
  assert.equal(audit.length, 1);
  assert.equal(audit[0]!.status, "success");
  assert.deepEqual(JSON.parse(audit[0]!.json).event.resulting_state, {
    key_id: "k2",
    rewrapped: 2,
    retired: ["k1"],
    finished: true,
  });
  const listed = JSON.parse((await runCli(["keys", "list", "--json"])).stdout);
  assert.deepEqual(
    listed.keys.map((k: { id: string; state: string }) => [k.id, k.state]),
    [
      ["k1", "retired"],
      ["k2", "current"],
    ],
  );
});

test("keys export: the owner's password only, a 0600 JWK that never overwrites, audited without the key", async () => {
  const out = path.join(t.dataDir, "k1.jwk");
  const noOwner = await runCli(["keys", "export", "--id", "k1", "--out", out], {
    env: { CUSTODIAN_ADMIN_PASSWORD: PASSWORD },
  });
  assert.equal(noOwner.code, 1);
  assert.match(noOwner.stderr, /no owner yet/);
  await createAdmin({ email: "owner@example.com", password: PASSWORD, owner: true });

  const wrong = await runCli(["keys", "export", "--id", "k1", "--out", out, "--password-stdin"], {
    stdin: "not the password at all 42\n",
  });
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /not the owner's password/);
  assert.equal(existsSync(out), false);
  const missing = await runCli(["keys", "export", "--id", "k1", "--out", out], {
    env: { CUSTODIAN_ADMIN_PASSWORD: "" },
  });
  assert.equal(missing.code, 2, "no password is a usage error");
  const unknown = await runCli(["keys", "export", "--id", "k9", "--out", out, "--password-stdin"], {
    stdin: `${PASSWORD}\n`,
  });
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no attachment key "k9"/);

  const ok = await runCli(["keys", "export", "--id", "k1", "--out", out, "--password-stdin"], {
    stdin: `${PASSWORD}\n`,
  });
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(statSync(out).mode & 0o777, 0o600);
  const jwk = ZAttachmentKeyFile.parse(JSON.parse(readFileSync(out, "utf8")));
  assert.equal(jwk.kid, "k1");
  assert.equal(jwk.alg, "A256KW");
  assert.ok(
    Buffer.from(jwk.k, "base64url").equals((await attachmentKey("k1")).bytes),
    "the ring's key bytes",
  );
  assert.ok(jwk.retired_at, "a retired key can still be exported (old exports need it)");

  writeFileSync(path.join(t.dataDir, "taken.jwk"), "keep me");
  const taken = await runCli(
    [
      "keys",
      "export",
      "--id",
      "k2",
      "--out",
      path.join(t.dataDir, "taken.jwk"),
      "--password-stdin",
    ],
    { stdin: `${PASSWORD}\n` },
  );
  assert.equal(taken.code, 1);
  assert.match(taken.stderr, /exists/);
  assert.equal(readFileSync(path.join(t.dataDir, "taken.jwk"), "utf8"), "keep me");

  const audit = await db().auditRecord.findMany({
    where: { eventName: "exportAttachmentKey" },
    orderBy: { id: "asc" },
  });
  assert.deepEqual(
    audit.map((a) => a.status),
    ["fail", "fail", "fail", "success", "fail"],
  );
  const success = JSON.parse(audit[3]!.json);
  assert.deepEqual(success.event.parameters, { key_id: "k1", out });
  assert.equal(success.event.resulting_state.owner, "owner@example.com");
  const everything = await allAuditText();
  for (const id of ["k1", "k2"]) {
    const bytes = (await attachmentKey(id)).bytes;
    assert.ok(
      !everything.includes(bytes.toString("base64url")) &&
        !everything.includes(bytes.toString("base64")) &&
        !everything.includes(bytes.toString("hex")),
      `no trace of ${id}'s bytes in the audit log`,
    );
  }
  assert.ok(!everything.includes(PASSWORD), "nor the password");
});

test("keys encrypt-store through the CLI encrypts what an older version stored and says so", async () => {
  const { storeKeyForFile, storePath } = await import("../ingest/file-store.ts");
  const p = storePath(storeKeyForFile("oldcli"));
  const { mkdirSync } = await import("node:fs");
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, "stored before encryption");
  const r = await runCli(["keys", "encrypt-store", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).encrypted, 1);
  assert.equal(existsSync(p), false);
  const audit = await db().auditRecord.findMany({ where: { eventName: "encryptFileStore" } });
  assert.equal(audit.length, 1);
});
