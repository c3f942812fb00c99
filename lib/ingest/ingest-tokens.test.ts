import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { createIngestToken } from "./create-ingest-token.ts";
import { hashIngestToken } from "./hash-ingest-token.ts";
import { listIngestTokens } from "./list-ingest-tokens.ts";
import { revokeIngestToken } from "./revoke-ingest-token.ts";
import { verifyIngestToken } from "./verify-ingest-token.ts";

let t: TestDatabase;
before(async () => {
  t = await useTestDatabase();
});
after(async () => t.cleanup());

test("a created token is returned once, stored only as its sha256, and verifies", async () => {
  const created = await createIngestToken({ name: "mattermost-prod", createdBy: "cli" });
  assert.match(created.token, /^cus_[A-Za-z0-9_-]{43}$/);
  const row = await db().ingestToken.findUniqueOrThrow({ where: { id: created.id } });
  assert.equal(row.tokenHash, hashIngestToken(created.token));
  assert.ok(!JSON.stringify(row).includes(created.token.slice(4)));
  assert.equal(row.lastUsedAt, null);

  const now = new Date("2026-01-02T03:04:05Z");
  const verified = await verifyIngestToken(created.token, now);
  assert.equal(verified?.id, created.id);
  assert.deepEqual(
    (await db().ingestToken.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt,
    now,
  );
  // To the minute: a request within it writes nothing, a later one moves it on.
  assert.ok(await verifyIngestToken(created.token, new Date(now.getTime() + 59_000)));
  assert.deepEqual(
    (await db().ingestToken.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt,
    now,
  );
  const later = new Date(now.getTime() + 61_000);
  assert.ok(await verifyIngestToken(created.token, later));
  assert.deepEqual(
    (await db().ingestToken.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt,
    later,
  );
});

test("wrong, malformed and revoked tokens do not verify", async () => {
  const created = await createIngestToken({ name: "to-revoke", createdBy: "cli" });
  const flipped = created.token.slice(0, -1) + (created.token.endsWith("A") ? "B" : "A");
  for (const bad of [
    flipped,
    "",
    null,
    undefined,
    "cus_",
    created.token + "x",
    created.token.slice(4),
    `Bearer ${created.token}`,
  ]) {
    assert.equal(await verifyIngestToken(bad), null, String(bad));
  }
  assert.equal(await revokeIngestToken(created.id), true);
  assert.equal(await revokeIngestToken(created.id), false, "already revoked");
  assert.equal(await revokeIngestToken("no-such-id"), false);
  assert.equal(await verifyIngestToken(created.token), null);
});

test("tokens are listed without their hashes; names are checked", async () => {
  const list = await listIngestTokens();
  assert.ok(list.length >= 2);
  assert.ok(list.every((tok) => !("tokenHash" in tok)));
  assert.ok(list.some((tok) => tok.name === "to-revoke" && tok.revokedAt instanceof Date));
  await assert.rejects(createIngestToken({ name: "  ", createdBy: "cli" }), UserError);
  await assert.rejects(createIngestToken({ name: "a\nb", createdBy: "cli" }), UserError);
});
