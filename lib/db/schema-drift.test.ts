import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";

// The two schemas must describe the same models; only the header (provider, output) may differ.
function models(provider: string): string {
  const text = readFileSync(`prisma/${provider}/schema.prisma`, "utf8");
  const start = text.indexOf("\nmodel ");
  assert.ok(start > 0, `no models in prisma/${provider}/schema.prisma`);
  return text.slice(text.lastIndexOf("// ----", start)).trim();
}

function migrationNames(provider: string): string[] {
  return readdirSync(`prisma/${provider}/migrations`, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

test("prisma/sqlite and prisma/postgresql define identical models", () => {
  assert.equal(models("sqlite"), models("postgresql"));
});

test("both providers have the same migrations, by name", () => {
  assert.deepEqual(migrationNames("sqlite"), migrationNames("postgresql"));
  assert.ok(migrationNames("sqlite").length > 0);
});
