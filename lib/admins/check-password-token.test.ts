// The set-password page says what is wrong with a link before it shows a form (issue 12 item 8).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createAdmin } from "../auth/create-admin.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { addAdmin } from "./add-admin.ts";
import { checkPasswordToken } from "./check-password-token.ts";
import { setPasswordWithToken } from "./set-password-with-token.ts";

let t: TestDatabase;
let owner: { id: string; email: string; isOwner: true; rights: [] };
before(async () => {
  t = await useTestDatabase();
  const row = await createAdmin({
    email: "owner@example.com",
    password: "owner passphrase 0451",
    owner: true,
  });
  owner = { id: row.id, email: row.email, isOwner: true, rights: [] };
});
after(async () => t.cleanup());

test("a valid link names its account; a used, expired, unknown or empty one says so", async () => {
  const T0 = new Date("2026-05-01T00:00:00Z");
  const { token } = await addAdmin({
    actor: owner,
    email: "new.admin@example.com",
    rights: ["audit"],
    now: T0,
  });
  assert.deepEqual(await checkPasswordToken({ token, now: new Date(T0.getTime() + 3600_000) }), {
    state: "valid",
    email: "new.admin@example.com",
  });
  assert.deepEqual(
    await checkPasswordToken({ token, now: new Date(T0.getTime() + 73 * 3600_000) }),
    { state: "invalid" },
    "expired after 72 h",
  );
  assert.deepEqual(await checkPasswordToken({ token: "not-a-token" }), { state: "invalid" });
  assert.deepEqual(await checkPasswordToken({ token: "" }), { state: "missing" });
  await setPasswordWithToken({
    token,
    password: "a long enough unusual passphrase 9731",
    now: new Date(T0.getTime() + 3600_000),
  });
  assert.deepEqual(
    await checkPasswordToken({ token, now: new Date(T0.getTime() + 3600_000) }),
    { state: "invalid" },
    "used",
  );
});
