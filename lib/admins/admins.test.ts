import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import { authenticate } from "../auth/authenticate.ts";
import { createAdmin } from "../auth/create-admin.ts";
import { createSession, getActiveSession } from "../auth/sessions.ts";
import type { Principal, Right } from "../auth/rights.ts";
import { addAdmin } from "./add-admin.ts";
import { updateAdminRights } from "./update-admin-rights.ts";
import { deactivateAdmin, reactivateAdmin } from "./deactivate-admin.ts";
import { setPasswordWithToken } from "./set-password-with-token.ts";
import { changePassword } from "./change-password.ts";
import { listAdmins } from "./list-admins.ts";
import { hashPasswordToken, PASSWORD_TOKEN_HOURS } from "./password-token.ts";
import { reissuePasswordLink } from "./reissue-password-link.ts";

// Issue 5 "Admins and rights"; RELIABILITY.md check 27 (disabling or deleting an admin kills its
// sessions at once; a password change can end the other sessions).

let t: TestDatabase;
let owner: Principal & { email: string };
const OWNER_PW = "owner passphrase 0451";
const PW = "a new admin passphrase 77";

before(async () => {
  t = await useTestDatabase();
  const row = await createAdmin({ email: "owner@example.com", password: OWNER_PW, owner: true });
  owner = { id: row.id, email: row.email, isOwner: true, rights: [] };
});
after(async () => t.cleanup());

// Each sign-in attempt from its own address, so the per-address throttle never interferes.
let ipCounter = 0;
const signIn = (email: string, password: string) =>
  authenticate({ email, password, ip: `192.0.2.${++ipCounter}` });

/** The UserError a promise rejects with (fails the test if it resolves or throws something else). */
async function userError(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (error) {
    assert.ok(error instanceof UserError, `expected a UserError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected the call to be refused");
}

async function rightsOf(userId: string): Promise<Right[]> {
  return (await db().adminRight.findMany({ where: { userId } }))
    .map((r) => r.right as Right)
    .sort();
}

/** An admin with a password set, ready to sign in. */
async function readyAdmin(
  email: string,
  rights: Right[],
): Promise<{ id: string; principal: Principal }> {
  const { userId, token } = await addAdmin({ actor: owner, email, rights });
  await setPasswordWithToken({ token, password: PW });
  return { id: userId, principal: { id: userId, isOwner: false, rights } };
}

describe("adding an admin and the one-time set-password link", () => {
  test("the owner adds an admin with only `request`; no sign-in until a password is set; the link works once", async () => {
    const T0 = new Date();
    const added = await addAdmin({
      actor: owner,
      email: "Requester@Example.com",
      rights: ["request"],
      now: T0,
    });
    assert.match(added.token, /^[A-Za-z0-9_-]{43}$/, "256-bit base64url token");
    assert.equal(added.expiresAt.getTime(), T0.getTime() + PASSWORD_TOKEN_HOURS * 3600_000);

    const row = await db().adminUser.findUniqueOrThrow({ where: { id: added.userId } });
    assert.equal(row.email, "requester@example.com", "stored lower-case");
    assert.equal(row.ownerSlot, null);
    assert.equal(
      row.passwordTokenHash,
      hashPasswordToken(added.token),
      "only the token's hash is stored",
    );
    assert.ok(!JSON.stringify(row).includes(added.token), "the token itself is not stored");
    assert.deepEqual(await rightsOf(added.userId), ["request"]);

    const view = (await listAdmins()).find((a) => a.id === added.userId)!;
    assert.deepEqual(
      {
        rights: view.rights,
        pendingPassword: view.pendingPassword,
        disabled: view.disabled,
        isOwner: view.isOwner,
      },
      { rights: ["request"], pendingPassword: true, disabled: false, isOwner: false },
    );

    // Before a password is set nothing signs in: not an empty password, not the placeholder itself.
    // (Four failures in all below: the account throttle allows five.)
    for (const guess of ["", PW, row.passwordHash]) {
      assert.deepEqual(
        await signIn("requester@example.com", guess),
        { ok: false, reason: "invalid" },
        `guess ${JSON.stringify(guess)}`,
      );
    }

    const set = await setPasswordWithToken({
      token: added.token,
      password: PW,
      now: new Date(T0.getTime() + 3600_000),
    });
    assert.deepEqual(set, { userId: added.userId, email: "requester@example.com" });
    const afterSet = await db().adminUser.findUniqueOrThrow({ where: { id: added.userId } });
    assert.equal(afterSet.passwordTokenHash, null);
    assert.equal(afterSet.passwordTokenExpiresAt, null);
    assert.match(afterSet.passwordHash, /^\$argon2id\$/);

    // A second use of the same link is refused, and the password it would set does not work.
    const again = await userError(
      setPasswordWithToken({ token: added.token, password: "someone else's password 9" }),
    );
    assert.equal(again.status, 410);
    assert.deepEqual(await signIn("requester@example.com", "someone else's password 9"), {
      ok: false,
      reason: "invalid",
    });

    assert.deepEqual(await signIn("requester@example.com", PW), { ok: true, userId: added.userId });
    assert.equal((await listAdmins()).find((a) => a.id === added.userId)!.pendingPassword, false);
  });

  test("an expired link is refused with 410 and sets nothing", async () => {
    const T0 = new Date();
    const added = await addAdmin({
      actor: owner,
      email: "late@example.com",
      rights: ["download"],
      now: T0,
    });
    const expiredAt = new Date(added.expiresAt.getTime());
    const err = await userError(
      setPasswordWithToken({ token: added.token, password: PW, now: expiredAt }),
    );
    assert.equal(err.status, 410);
    const row = await db().adminUser.findUniqueOrThrow({ where: { id: added.userId } });
    assert.equal(row.passwordTokenHash, hashPasswordToken(added.token), "unchanged");
    assert.ok(!row.passwordHash.startsWith("$argon2"), "no password was set");
    assert.deepEqual(await signIn("late@example.com", PW), { ok: false, reason: "invalid" });
    // One millisecond before expiry it still works.
    await setPasswordWithToken({
      token: added.token,
      password: PW,
      now: new Date(expiredAt.getTime() - 1),
    });
    assert.equal((await signIn("late@example.com", PW)).ok, true);
  });

  test("two simultaneous uses of one link: exactly one sets the password, the other gets 410", async () => {
    const added = await addAdmin({ actor: owner, email: "race@example.com", rights: [] });
    const results = await Promise.allSettled([
      setPasswordWithToken({ token: added.token, password: "racer one passphrase 1" }),
      setPasswordWithToken({ token: added.token, password: "racer two passphrase 2" }),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    assert.equal(won.length, 1, JSON.stringify(results.map((r) => r.status)));
    assert.ok(
      lost[0]!.reason instanceof UserError && lost[0]!.reason.status === 410,
      String(lost[0]!.reason),
    );
    const winner =
      results[0]!.status === "fulfilled" ? "racer one passphrase 1" : "racer two passphrase 2";
    const loser =
      winner === "racer one passphrase 1" ? "racer two passphrase 2" : "racer one passphrase 1";
    assert.deepEqual(await signIn("race@example.com", loser), { ok: false, reason: "invalid" });
    assert.deepEqual(await signIn("race@example.com", winner), { ok: true, userId: added.userId });
  });

  test("an unknown token is refused with 410", async () => {
    assert.equal(
      (await userError(setPasswordWithToken({ token: "x".repeat(43), password: PW }))).status,
      410,
    );
  });

  test("a duplicate email is refused with 409; only the owner can hand out manage_admins", async () => {
    assert.equal(
      (await userError(addAdmin({ actor: owner, email: "REQUESTER@example.com", rights: [] })))
        .status,
      409,
    );
    const manager = await readyAdmin("manager0@example.com", ["manage_admins"]);
    const refused = await userError(
      addAdmin({
        actor: manager.principal,
        email: "new-manager@example.com",
        rights: ["manage_admins"],
      }),
    );
    assert.equal(refused.status, 403);
    assert.equal(
      await db().adminUser.count({ where: { email: "new-manager@example.com" } }),
      0,
      "nothing created on refusal",
    );
  });
});

describe("rights", () => {
  test("grant and revoke report before/after and change the stored rights", async () => {
    const a = await readyAdmin("rights@example.com", ["request"]);
    assert.deepEqual(
      await updateAdminRights({
        actor: owner,
        userId: a.id,
        rights: ["request", "download", "download"],
      }),
      { before: ["request"], after: ["download", "request"] },
    );
    assert.deepEqual(await rightsOf(a.id), ["download", "request"]);
    const row = await db().adminRight.findUniqueOrThrow({
      where: { userId_right: { userId: a.id, right: "download" } },
    });
    assert.equal(row.grantedBy, owner.id);

    assert.deepEqual(
      await updateAdminRights({ actor: owner, userId: a.id, rights: ["download", "audit"] }),
      { before: ["download", "request"], after: ["audit", "download"] },
    );
    assert.deepEqual(await rightsOf(a.id), ["audit", "download"]);

    // A live session sees the change on its next request.
    const { token } = await createSession({
      userId: a.id,
      ipAddress: "192.0.2.200",
      userAgent: "t",
    });
    assert.deepEqual([...(await getActiveSession(token))!.user.rights].sort(), [
      "audit",
      "download",
    ]);
    await updateAdminRights({ actor: owner, userId: a.id, rights: [] });
    assert.deepEqual(await rightsOf(a.id), []);
    assert.deepEqual((await getActiveSession(token))!.user.rights, []);
  });

  test("an admin with manage_admins cannot grant or revoke manage_admins (403), but can change other rights", async () => {
    const manager = await readyAdmin("manager@example.com", ["manage_admins"]);
    const target = await readyAdmin("target@example.com", ["request"]);
    const grant = await userError(
      updateAdminRights({
        actor: manager.principal,
        userId: target.id,
        rights: ["request", "manage_admins"],
      }),
    );
    assert.equal(grant.status, 403);
    assert.deepEqual(await rightsOf(target.id), ["request"], "unchanged on refusal");

    assert.deepEqual(
      await updateAdminRights({
        actor: manager.principal,
        userId: target.id,
        rights: ["request", "download"],
      }),
      { before: ["request"], after: ["download", "request"] },
    );

    const other = await readyAdmin("other-manager@example.com", ["manage_admins", "audit"]);
    const revoke = await userError(
      updateAdminRights({ actor: manager.principal, userId: other.id, rights: ["audit"] }),
    );
    assert.equal(revoke.status, 403);
    assert.deepEqual(await rightsOf(other.id), ["audit", "manage_admins"]);

    // The owner may grant and revoke it.
    await updateAdminRights({ actor: owner, userId: target.id, rights: ["manage_admins"] });
    assert.deepEqual(await rightsOf(target.id), ["manage_admins"]);
    await updateAdminRights({ actor: owner, userId: target.id, rights: [] });
    assert.deepEqual(await rightsOf(target.id), []);
  });

  test("nobody changes the owner's rights (409), not even the owner", async () => {
    const manager = await readyAdmin("manager2@example.com", ["manage_admins"]);
    for (const actor of [owner, manager.principal]) {
      const err = await userError(
        updateAdminRights({ actor, userId: owner.id, rights: ["request"] }),
      );
      assert.equal(err.status, 409);
    }
    assert.deepEqual(await rightsOf(owner.id), []);
    assert.equal(
      (
        await userError(
          updateAdminRights({
            actor: owner,
            userId: "00000000-0000-4000-8000-000000000000",
            rights: [],
          }),
        )
      ).status,
      404,
    );
  });
});

describe("deactivate, reactivate, remove", () => {
  test("deactivating ends every session at once and refuses sign-in; reactivating lets them in but old sessions stay dead", async () => {
    const a = await readyAdmin("deact@example.com", ["request", "download"]);
    const s1 = await createSession({ userId: a.id, ipAddress: "192.0.2.201", userAgent: "t" });
    const s2 = await createSession({ userId: a.id, ipAddress: "192.0.2.202", userAgent: "t" });
    const ownerSession = await createSession({
      userId: owner.id,
      ipAddress: "192.0.2.203",
      userAgent: "t",
    });
    assert.ok(await getActiveSession(s1.token));
    assert.ok(await getActiveSession(s2.token));
    assert.equal((await listAdmins()).find((x) => x.id === a.id)!.activeSessions, 2);

    assert.deepEqual(await deactivateAdmin({ actorId: owner.id, userId: a.id, remove: false }), {
      email: "deact@example.com",
      sessionsEnded: 2,
    });
    assert.equal(await getActiveSession(s1.token), null);
    assert.equal(await getActiveSession(s2.token), null);
    assert.ok(await getActiveSession(ownerSession.token), "other admins' sessions are untouched");
    assert.deepEqual(await signIn("deact@example.com", PW), { ok: false, reason: "invalid" });
    const view = (await listAdmins()).find((x) => x.id === a.id)!;
    assert.equal(view.disabled, true);
    assert.equal(view.activeSessions, 0);
    assert.deepEqual(await rightsOf(a.id), ["download", "request"], "rights are kept");

    assert.deepEqual(await reactivateAdmin({ actorId: owner.id, userId: a.id }), {
      email: "deact@example.com",
    });
    assert.equal(
      (await userError(reactivateAdmin({ actorId: owner.id, userId: a.id }))).status,
      404,
      "not deactivated any more",
    );
    assert.deepEqual(await signIn("deact@example.com", PW), { ok: true, userId: a.id });
    assert.equal(
      await getActiveSession(s1.token),
      null,
      "old sessions stay dead after reactivation",
    );
    assert.equal(await getActiveSession(s2.token), null);
    const fresh = await createSession({ userId: a.id, ipAddress: "192.0.2.204", userAgent: "t" });
    assert.equal((await getActiveSession(fresh.token))!.user.id, a.id);
  });

  test("deactivating an admin whose link is pending voids the link", async () => {
    const added = await addAdmin({
      actor: owner,
      email: "pending-deact@example.com",
      rights: ["request"],
    });
    await deactivateAdmin({ actorId: owner.id, userId: added.userId, remove: false });
    assert.equal(
      (await userError(setPasswordWithToken({ token: added.token, password: PW }))).status,
      410,
    );
    assert.deepEqual(await signIn("pending-deact@example.com", PW), {
      ok: false,
      reason: "invalid",
    });
  });

  test("removing deletes the row, its rights and its sessions", async () => {
    const a = await readyAdmin("remove@example.com", ["audit"]);
    const s = await createSession({ userId: a.id, ipAddress: "192.0.2.205", userAgent: "t" });
    assert.ok(await getActiveSession(s.token));
    assert.deepEqual(await deactivateAdmin({ actorId: owner.id, userId: a.id, remove: true }), {
      email: "remove@example.com",
      sessionsEnded: 1,
    });
    assert.equal(await db().adminUser.findUnique({ where: { id: a.id } }), null);
    assert.equal(await db().session.count({ where: { userId: a.id } }), 0);
    assert.equal(await db().adminRight.count({ where: { userId: a.id } }), 0);
    assert.equal(await getActiveSession(s.token), null);
    assert.deepEqual(await signIn("remove@example.com", PW), { ok: false, reason: "invalid" });
    assert.ok(!(await listAdmins()).some((x) => x.id === a.id));
    assert.equal(
      (await userError(deactivateAdmin({ actorId: owner.id, userId: a.id, remove: true }))).status,
      404,
    );
  });

  test("the owner cannot be deactivated or removed, and nobody deactivates themself", async () => {
    const manager = await readyAdmin("manager3@example.com", ["manage_admins"]);
    const ownerSession = await createSession({
      userId: owner.id,
      ipAddress: "192.0.2.206",
      userAgent: "t",
    });
    for (const remove of [false, true]) {
      assert.equal(
        (await userError(deactivateAdmin({ actorId: manager.id, userId: owner.id, remove })))
          .status,
        409,
      );
      assert.equal(
        (await userError(deactivateAdmin({ actorId: owner.id, userId: owner.id, remove }))).status,
        409,
      );
    }
    const row = await db().adminUser.findUniqueOrThrow({ where: { id: owner.id } });
    assert.equal(row.disabledAt, null);
    assert.ok(await getActiveSession(ownerSession.token), "the owner's sessions survive");
    assert.equal(
      (await userError(deactivateAdmin({ actorId: manager.id, userId: manager.id, remove: false })))
        .status,
      409,
    );
    assert.equal(
      (await db().adminUser.findUniqueOrThrow({ where: { id: manager.id } })).disabledAt,
      null,
    );
  });
});

describe("changing one's password", () => {
  test("a wrong current password is a field error and changes nothing", async () => {
    const a = await readyAdmin("change1@example.com", []);
    const s = await createSession({ userId: a.id, ipAddress: "192.0.2.210", userAgent: "t" });
    const hashBefore = (await db().adminUser.findUniqueOrThrow({ where: { id: a.id } }))
      .passwordHash;
    const err = await userError(
      changePassword({
        ip: "192.0.2.250",
        userId: a.id,
        currentSessionId: s.session.id,
        currentPassword: PW + "x",
        password: "brand new passphrase 1",
        endOtherSessions: true,
      }),
    );
    assert.equal(err.status, 400);
    assert.ok(err.fieldErrors.currentPassword, JSON.stringify(err.fieldErrors));
    assert.equal(
      (await db().adminUser.findUniqueOrThrow({ where: { id: a.id } })).passwordHash,
      hashBefore,
    );
    assert.ok(await getActiveSession(s.token), "no session ended on refusal");
  });

  test("without endOtherSessions every session stays; with it the others end and the current one stays", async () => {
    const a = await readyAdmin("change2@example.com", ["request"]);
    const current = await createSession({ userId: a.id, ipAddress: "192.0.2.211", userAgent: "t" });
    const other1 = await createSession({ userId: a.id, ipAddress: "192.0.2.212", userAgent: "t" });
    const other2 = await createSession({ userId: a.id, ipAddress: "192.0.2.213", userAgent: "t" });
    const bystander = await createSession({
      userId: owner.id,
      ipAddress: "192.0.2.214",
      userAgent: "t",
    });

    const PW2 = "second passphrase here 2";
    assert.deepEqual(
      await changePassword({
        ip: "192.0.2.250",
        userId: a.id,
        currentSessionId: current.session.id,
        currentPassword: PW,
        password: PW2,
        endOtherSessions: false,
      }),
      { sessionsEnded: 0 },
    );
    for (const s of [current, other1, other2]) assert.ok(await getActiveSession(s.token));
    assert.deepEqual(await signIn("change2@example.com", PW), { ok: false, reason: "invalid" });
    assert.equal((await signIn("change2@example.com", PW2)).ok, true);

    const PW3 = "third passphrase here 33";
    assert.deepEqual(
      await changePassword({
        ip: "192.0.2.250",
        userId: a.id,
        currentSessionId: current.session.id,
        currentPassword: PW2,
        password: PW3,
        endOtherSessions: true,
      }),
      { sessionsEnded: 2 },
    );
    assert.equal(
      (await getActiveSession(current.token))!.user.id,
      a.id,
      "the current session stays",
    );
    assert.equal(await getActiveSession(other1.token), null);
    assert.equal(await getActiveSession(other2.token), null);
    assert.ok(await getActiveSession(bystander.token), "other accounts' sessions are untouched");
    assert.equal((await signIn("change2@example.com", PW3)).ok, true);
  });
});

// ---- issue 11 item 4: manage_admins cannot escalate --------------------------------------------------

describe("manage_admins cannot escalate", () => {
  test("nobody changes their own rights: neither adding nor dropping one (403)", async () => {
    const manager = await readyAdmin("self-rights@example.com", ["manage_admins", "request"]);
    for (const rights of [
      ["manage_admins", "request", "configure", "audit", "download"],
      ["manage_admins"],
      ["request"],
    ] as Right[][]) {
      assert.equal(
        (
          await userError(
            updateAdminRights({ actor: manager.principal, userId: manager.id, rights }),
          )
        ).status,
        403,
        rights.join(","),
      );
    }
    assert.deepEqual(await rightsOf(manager.id), ["manage_admins", "request"]);
  });

  test("only the owner reissues a password link for, deactivates, removes or reactivates another manage_admins admin", async () => {
    const m1 = await readyAdmin("mgr-a@example.com", ["manage_admins"]);
    const m2 = await readyAdmin("mgr-b@example.com", ["manage_admins", "audit"]);
    const plain = await readyAdmin("plain-c@example.com", ["audit"]);
    const hashBefore = (await db().adminUser.findUniqueOrThrow({ where: { id: m2.id } }))
      .passwordHash;
    assert.equal(
      (await userError(reissuePasswordLink({ actorId: m1.id, userId: m2.id }))).status,
      403,
      "reissue",
    );
    assert.equal(
      (await userError(deactivateAdmin({ actorId: m1.id, userId: m2.id, remove: false }))).status,
      403,
      "deactivate",
    );
    assert.equal(
      (await userError(deactivateAdmin({ actorId: m1.id, userId: m2.id, remove: true }))).status,
      403,
      "remove",
    );
    const row = await db().adminUser.findUniqueOrThrow({ where: { id: m2.id } });
    assert.equal(row.passwordHash, hashBefore, "the password still works");
    assert.equal(row.disabledAt, null);
    assert.equal((await signIn("mgr-b@example.com", PW)).ok, true);

    // An admin without manage_admins is fair game for a manage_admins admin.
    assert.equal(
      (await reissuePasswordLink({ actorId: m1.id, userId: plain.id })).email,
      "plain-c@example.com",
    );
    await deactivateAdmin({ actorId: m1.id, userId: plain.id, remove: false });
    await reactivateAdmin({ actorId: m1.id, userId: plain.id });

    // The owner may do all of it to a manage_admins admin; reactivating one is the owner's too.
    await deactivateAdmin({ actorId: owner.id, userId: m2.id, remove: false });
    assert.equal(
      (await userError(reactivateAdmin({ actorId: m1.id, userId: m2.id }))).status,
      403,
      "reactivate",
    );
    await reactivateAdmin({ actorId: owner.id, userId: m2.id });
    assert.equal(
      (await reissuePasswordLink({ actorId: owner.id, userId: m2.id })).email,
      "mgr-b@example.com",
    );
    await deactivateAdmin({ actorId: owner.id, userId: m2.id, remove: true });
  });
});

// ---- issue 11 item 9: the current-password check is throttled like sign-in ---------------------------

describe("change password uses the sign-in throttle", () => {
  test("after 5 wrong current passwords even the right one is refused with 429 for a while", async () => {
    await db().loginThrottle.deleteMany();
    const a = await readyAdmin("change-throttle@example.com", []);
    const s = await createSession({ userId: a.id, ipAddress: "192.0.2.230", userAgent: "t" });
    const attempt = (currentPassword: string) =>
      changePassword({
        ip: "192.0.2.230",
        userId: a.id,
        currentSessionId: s.session.id,
        currentPassword,
        password: "a fresh passphrase 9041",
        endOtherSessions: false,
      });
    for (let i = 0; i < 5; i++)
      assert.equal((await userError(attempt(`wrong guess ${i}`))).status, 400, `guess ${i}`);
    const blocked = await userError(attempt(PW));
    assert.equal(blocked.status, 429);
    assert.match(blocked.message, /Try again in \d+ seconds/);
    assert.equal(
      (await signIn("change-throttle@example.com", "a fresh passphrase 9041")).ok,
      false,
      "the password did not change",
    );
    await db().loginThrottle.deleteMany();
  });
});

// ---- issue 11 item 10: one password policy at every entry point ---------------------------------------

describe("the password policy at every entry point", () => {
  test("set-password through a link refuses the email, parts of it and common passwords; nothing is spent", async () => {
    const { token } = await addAdmin({ actor: owner, email: "jane.doe@example.com", rights: [] });
    for (const weak of [
      "jane.doe@example.com",
      "Jane.Doe@Example.com",
      "janedoe-example",
      "password1234",
    ]) {
      const err = await userError(setPasswordWithToken({ token, password: weak }));
      assert.equal(err.status, 400, weak);
      assert.ok(err.fieldErrors.password, `${weak}: ${JSON.stringify(err.fieldErrors)}`);
    }
    await setPasswordWithToken({ token, password: PW });
    assert.equal((await signIn("jane.doe@example.com", PW)).ok, true);
  });

  test("change password refuses one's own email as the new password", async () => {
    await db().loginThrottle.deleteMany();
    const a = await readyAdmin("policy-change@example.com", []);
    const s = await createSession({ userId: a.id, ipAddress: "192.0.2.231", userAgent: "t" });
    const err = await userError(
      changePassword({
        ip: "192.0.2.231",
        userId: a.id,
        currentSessionId: s.session.id,
        currentPassword: PW,
        password: "policy-change@example.com",
        endOtherSessions: false,
      }),
    );
    assert.equal(err.status, 400);
    assert.ok(err.fieldErrors.password, JSON.stringify(err.fieldErrors));
    assert.equal((await signIn("policy-change@example.com", PW)).ok, true, "unchanged");
  });
});
