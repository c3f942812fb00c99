// Admin API tokens: hashed, expiring, revocable, acting with the admin's rights as they are at each
// call; the first use of each day is flagged for the audit; the CLI creates, lists and revokes them;
// an operator's password reset ends them.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

process.env.LOG_LEVEL = "silent";

import { db } from "../db/client.ts";
import { runCliInProcess } from "../cli/testing/run-cli.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { createAdmin } from "./create-admin.ts";
import { createApiToken, hashApiToken } from "./create-api-token.ts";
import { listApiTokens } from "./list-api-tokens.ts";
import { revokeApiToken } from "./revoke-api-token.ts";
import { verifyApiToken } from "./verify-api-token.ts";

let t: TestDatabase;
let adminId: string;
before(async () => {
  t = await useTestDatabase();
  await createAdmin({
    email: "owner@example.com",
    password: "x".repeat(4) + "correct horse battery",
    owner: true,
  });
  adminId = (
    await createAdmin({
      email: "auditor@example.com",
      password: "another long passphrase",
      owner: false,
      rights: ["audit"],
    })
  ).id;
});
after(async () => t.cleanup());

const DAY = 86_400_000;

test("a token is stored hashed and acts with the admin's current rights; first use per UTC day is flagged", async () => {
  const now = new Date("2026-03-01T10:00:00Z");
  const created = await createApiToken({
    userId: adminId,
    name: "backup script",
    expiresInDays: 30,
    createdBy: "test",
    now,
  });
  assert.match(created.token, /^cua_[A-Za-z0-9_-]{43}$/);
  const row = await db().apiToken.findUniqueOrThrow({ where: { id: created.id } });
  assert.equal(row.tokenHash, hashApiToken(created.token));
  assert.ok(!JSON.stringify(row).includes(created.token));

  const first = await verifyApiToken(created.token, now);
  assert.deepEqual(
    [first?.user.email, first?.user.rights, first?.firstUseToday],
    ["auditor@example.com", ["audit"], true],
  );
  assert.equal(
    (await verifyApiToken(created.token, new Date(now.getTime() + 3_600_000)))?.firstUseToday,
    false,
  );
  assert.equal(
    (await verifyApiToken(created.token, new Date("2026-03-02T00:00:01Z")))?.firstUseToday,
    true,
    "a new UTC day",
  );

  await db().adminRight.deleteMany({ where: { userId: adminId, right: "audit" } });
  assert.deepEqual(
    (await verifyApiToken(created.token, now))?.user.rights,
    [],
    "a revoked right is gone at the next call",
  );
  await db().adminRight.create({ data: { userId: adminId, right: "audit" } });

  assert.equal(
    await verifyApiToken(created.token, new Date(now.getTime() + 30 * DAY)),
    null,
    "expired",
  );
  assert.equal(await verifyApiToken(created.token.slice(0, -1) + "A", now), null, "unknown");
  assert.equal(
    await verifyApiToken("cus_" + created.token.slice(4), now),
    null,
    "not an API token",
  );

  await db().adminUser.update({ where: { id: adminId }, data: { disabledAt: now } });
  assert.equal(await verifyApiToken(created.token, now), null, "deactivated admin");
  await db().adminUser.update({ where: { id: adminId }, data: { disabledAt: null } });

  assert.equal(
    await revokeApiToken({ tokenId: created.id, userId: "someone-else" }),
    null,
    "only the admin's own",
  );
  assert.deepEqual(await revokeApiToken({ tokenId: created.id, userId: adminId }), {
    name: "backup script",
    userId: adminId,
  });
  assert.equal(await verifyApiToken(created.token, now), null, "revoked");
  assert.equal(await revokeApiToken({ tokenId: created.id }), null, "already revoked");
  assert.equal((await listApiTokens({ userId: adminId, now }))[0]?.status, "revoked");
});

test("cli token create --kind api / list / revoke; admin reset-password ends the admin's tokens", async () => {
  const created = await runCliInProcess([
    "token",
    "create",
    "--kind",
    "api",
    "--name",
    "ci",
    "--as",
    "auditor@example.com",
    "--expires",
    "7d",
    "--json",
  ]);
  assert.equal(created.code, 0, created.stderr);
  const made = JSON.parse(created.stdout) as {
    id: string;
    token: string;
    kind: string;
    admin: string;
    expiresAt: number;
  };
  assert.deepEqual([made.kind, made.admin], ["api", "auditor@example.com"]);
  assert.ok(Math.abs(made.expiresAt - Date.now() - 7 * DAY) < 60_000);
  assert.equal((await verifyApiToken(made.token))?.user.id, adminId);
  const audit = JSON.parse(
    (await db().auditRecord.findFirstOrThrow({ orderBy: { id: "desc" } })).json,
  );
  assert.deepEqual(
    [audit.event_name, audit.status, audit.event.resulting_state.token_id],
    ["createApiToken", "success", made.id],
  );
  assert.ok(!JSON.stringify(audit).includes(made.token));

  const listed = await runCliInProcess(["token", "list"]);
  assert.match(
    listed.stdout,
    new RegExp(`${made.id}\\s+api\\s+active\\s+.*auditor@example\\.com\\s+ci`),
  );
  assert.ok(!listed.stdout.includes(made.token));
  assert.equal(
    (await runCliInProcess(["token", "create", "--name", "x", "--expires", "7d"])).code,
    2,
    "--expires is for api tokens",
  );

  const revoked = await runCliInProcess(["token", "revoke", made.id]);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.equal(await verifyApiToken(made.token), null);
  const revokeAudit = JSON.parse(
    (await db().auditRecord.findFirstOrThrow({ orderBy: { id: "desc" } })).json,
  );
  assert.deepEqual([revokeAudit.event_name, revokeAudit.status], ["revokeApiToken", "success"]);
  assert.equal((await runCliInProcess(["token", "revoke", made.id])).code, 1);

  const second = await createApiToken({
    userId: adminId,
    name: "other",
    expiresInDays: 30,
    createdBy: "test",
  });
  const reset = await runCliInProcess([
    "admin",
    "reset-password",
    "--email",
    "auditor@example.com",
  ]);
  assert.equal(reset.code, 0, reset.stderr);
  assert.match(reset.stderr, /1 API token\(s\) revoked/);
  assert.equal(await verifyApiToken(second.token), null);
});
