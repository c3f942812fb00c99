import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, mock, test } from "node:test";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { db } from "../db/client.ts";
import { resetEnvForTests } from "../config/env.ts";
import { can, RIGHTS, type Principal, type Right } from "./rights.ts";
import { burnPasswordCheck, hashPassword, passwordHasher, verifyPassword } from "./password.ts";
import { safeNextPath, ZNewPassword, ZSetupInput } from "./schema.ts";
import { AdminExistsError, createAdmin, hasOwner, OwnerExistsError } from "./create-admin.ts";
import {
  createSession,
  getActiveSession,
  hashSessionToken,
  revokeSession,
  revokeUserSessions,
} from "./sessions.ts";
import { loginRetryAfter } from "./login-throttle.ts";
import { authenticate } from "./authenticate.ts";

// RELIABILITY.md checks 27 (sessions), 28 (password storage), 29 (throttling and enumeration).

let t: TestDatabase;
before(async () => {
  process.env.CUSTODIAN_SESSION_IDLE_MINUTES = "480";
  process.env.CUSTODIAN_SESSION_MAX_HOURS = "24";
  t = await useTestDatabase();
  resetEnvForTests();
});
after(async () => t.cleanup());

const MIN = 60_000;
const HOUR = 60 * MIN;
const at = (base: Date, ms: number) => new Date(base.getTime() + ms);

// ---- rights ----------------------------------------------------------------------------------------

describe("can()", () => {
  test("the owner may do everything, including owner-only things", () => {
    const owner: Principal = { id: "o", isOwner: true, rights: [] };
    for (const r of [...RIGHTS, "owner"] as const) assert.equal(can(owner, r), true, r);
  });

  test("an admin may do exactly what they were granted, never owner things", () => {
    for (const granted of RIGHTS) {
      const admin: Principal = { id: "a", isOwner: false, rights: [granted] };
      for (const r of RIGHTS)
        assert.equal(can(admin, r), r === granted, `granted ${granted}, asked ${r}`);
      assert.equal(can(admin, "owner"), false);
    }
    const none: Principal = { id: "n", isOwner: false, rights: [] };
    for (const r of [...RIGHTS, "owner"] as const) assert.equal(can(none, r), false, r);
    const all: Principal = { id: "all", isOwner: false, rights: [...RIGHTS] };
    for (const r of RIGHTS) assert.equal(can(all, r), true, r);
    assert.equal(can(all, "owner"), false);
  });

  test("disabled accounts and no account may do nothing", () => {
    const disabledOwner: Principal = {
      id: "o",
      isOwner: true,
      rights: [...RIGHTS],
      disabled: true,
    };
    const disabledAdmin: Principal = {
      id: "a",
      isOwner: false,
      rights: [...RIGHTS],
      disabled: true,
    };
    for (const r of [...RIGHTS, "owner"] as const) {
      assert.equal(can(disabledOwner, r), false, r);
      assert.equal(can(disabledAdmin, r), false, r);
      assert.equal(can(null, r), false, r);
      assert.equal(can(undefined, r), false, r);
    }
    // An unknown right string is not granted by accident.
    assert.equal(
      can({ id: "a", isOwner: false, rights: [...RIGHTS] }, "delete-everything" as Right),
      false,
    );
  });
});

// ---- passwords -------------------------------------------------------------------------------------

describe("password storage", () => {
  test("hashes are argon2id at or above OWASP's (m=19456, t=2)", async () => {
    const h = await hashPassword("a perfectly fine passphrase");
    const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(h);
    assert.ok(m, h);
    assert.ok(Number(m[1]) >= 19456, `m=${m[1]}`);
    assert.ok(Number(m[2]) >= 2, `t=${m[2]}`);
    assert.ok(Number(m[3]) >= 1);
    assert.ok(!h.includes("a perfectly fine passphrase"));
    assert.notEqual(await hashPassword("a perfectly fine passphrase"), h, "salted");
  });

  test("long and Unicode passwords verify exactly; one character off does not", async () => {
    const long = "correct-horse-battery-staple-".repeat(4) + "tail"; // 120 chars, past bcrypt's 72 bytes
    assert.ok(long.length >= 64);
    const unicode = "pässwörd-🔐-密码-ñandú-Ω≈ç√"; // multi-byte, an astral-plane emoji, no ASCII equivalent
    for (const pw of [long, unicode]) {
      const h = await hashPassword(pw);
      assert.equal(await verifyPassword(h, pw), true);
      const last = pw.slice(-1) === "x" ? "y" : "x";
      assert.equal(
        await verifyPassword(h, pw.slice(0, -1) + last),
        false,
        "last character changed",
      );
      assert.equal(await verifyPassword(h, "X" + pw.slice(1)), false, "first character changed");
      assert.equal(await verifyPassword(h, pw.slice(0, -1)), false, "truncated");
      assert.equal(await verifyPassword(h, pw + " "), false, "extended");
    }
    // No silent normalisation: é (U+00E9) and e + U+0301 are different passwords.
    const nfc = "caf\u00e9-passphrase-2026";
    const h = await hashPassword(nfc);
    assert.equal(await verifyPassword(h, nfc), true);
    assert.equal(await verifyPassword(h, nfc.normalize("NFD")), false);
  });

  test("a malformed stored hash fails closed", async () => {
    assert.equal(await verifyPassword("", "x"), false);
    assert.equal(await verifyPassword("$argon2id$v=19$garbage", "x"), false);
    await burnPasswordCheck("anything"); // does not throw
  });

  test("ZNewPassword: 12+ characters, not one repeated character (the strength policy is lib/auth/password-policy.ts)", () => {
    const err = (pw: string) => {
      const r = ZNewPassword.safeParse(pw);
      assert.equal(r.success, false, JSON.stringify(pw));
      return r.error!.issues[0]!.message;
    };
    assert.match(err(""), /at least 12/);
    assert.match(err("Short1!"), /at least 12/);
    assert.match(err("elevenchars"), /at least 12/);
    assert.match(err("aaaaaaaaaaaa"), /different characters/);
    assert.match(err("abababababab"), /different characters/);
    assert.match(err("abcdefghijklmnopqrstuvwxyz0123456789".repeat(8)), /at most 256/); // 288 characters
    for (const ok of ["twelve chars", "correct horse battery staple", "密码密码-安全-2026-ok"]) {
      assert.ok(ZNewPassword.safeParse(ok).success, ok);
    }
  });

  test("ZSetupInput: the mismatch error is on confirmPassword", () => {
    const good = {
      email: "owner@example.com",
      password: "correct horse battery",
      confirmPassword: "correct horse battery",
    };
    assert.ok(ZSetupInput.safeParse(good).success);
    const mismatch = ZSetupInput.safeParse({ ...good, confirmPassword: "correct horse batterY" });
    assert.equal(mismatch.success, false);
    assert.deepEqual(
      mismatch.error!.issues.map((i) => i.path.join(".")),
      ["confirmPassword"],
    );
    assert.match(mismatch.error!.issues[0]!.message, /do not match/);

    const sameAsEmail = ZSetupInput.safeParse({
      email: "owner@example.com",
      password: "OWNER@example.com",
      confirmPassword: "OWNER@example.com",
    });
    assert.equal(sameAsEmail.success, false);
    assert.deepEqual(
      sameAsEmail.error!.issues.map((i) => i.path.join(".")),
      ["password"],
    );

    const badEmail = ZSetupInput.safeParse({
      ...good,
      email: "owner@example.com\r\nBcc: x@evil.example",
    });
    assert.equal(badEmail.success, false);
    assert.deepEqual(
      badEmail.error!.issues.map((i) => i.path.join(".")),
      ["email"],
    );

    const weak = ZSetupInput.safeParse({ ...good, password: "short", confirmPassword: "short" });
    assert.equal(weak.success, false);
    assert.deepEqual(
      weak.error!.issues.map((i) => i.path.join(".")),
      ["password"],
    );
  });

  test("safeNextPath keeps same-site paths and refuses open redirects", () => {
    assert.equal(safeNextPath("/compliance-export"), "/compliance-export");
    assert.equal(safeNextPath("/compliance-export?tab=jobs#x"), "/compliance-export?tab=jobs#x");
    assert.equal(safeNextPath("/"), "/");
    for (const bad of [
      "//evil.example",
      "/\\evil.example",
      "https://evil.example",
      "http:/evil.example",
      "javascript:alert(1)",
      "evil.example",
      "\\\\evil.example",
      "/\t/evil.example",
      "/\n/evil.example",
      "/\r/evil.example",
      "",
      null,
      undefined,
    ]) {
      assert.equal(safeNextPath(bad), "/", JSON.stringify(bad));
    }
  });
});

// ---- admins ----------------------------------------------------------------------------------------

describe("createAdmin", () => {
  test("two concurrent owner set-ups create exactly one owner", async () => {
    for (let round = 0; round < 3; round++) {
      await db().adminUser.deleteMany();
      const results = await Promise.allSettled([
        createAdmin({
          email: `first-${round}@example.com`,
          password: "correct horse battery",
          owner: true,
        }),
        createAdmin({
          email: `second-${round}@example.com`,
          password: "correct horse battery",
          owner: true,
        }),
      ]);
      const ok = results.filter((r) => r.status === "fulfilled");
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      assert.equal(ok.length, 1, `round ${round}: ${JSON.stringify(results.map((r) => r.status))}`);
      assert.equal(failed.length, 1);
      assert.ok(failed[0]!.reason instanceof OwnerExistsError, String(failed[0]!.reason));
      assert.equal(await db().adminUser.count({ where: { ownerSlot: "owner" } }), 1);
      assert.equal(await db().adminUser.count(), 1, "the loser left no row behind");
    }
    await db().adminUser.deleteMany();
  });

  test("a second owner is refused with OwnerExistsError; emails are unique, case-insensitively", async () => {
    assert.equal(await hasOwner(), false);
    const owner = await createAdmin({
      email: "Owner@Example.com",
      password: "correct horse battery",
      owner: true,
    });
    assert.equal(owner.email, "owner@example.com");
    assert.equal(owner.ownerSlot, "owner");
    assert.equal(await hasOwner(), true);
    await assert.rejects(
      createAdmin({
        email: "other-owner@example.com",
        password: "correct horse battery",
        owner: true,
      }),
      OwnerExistsError,
    );

    const admin = await createAdmin({
      email: "dup@example.com",
      password: "correct horse battery",
      owner: false,
      rights: ["download", "audit"],
      grantedBy: owner.id,
    });
    assert.equal(admin.ownerSlot, null);
    const rights = await db().adminRight.findMany({
      where: { userId: admin.id },
      orderBy: { right: "asc" },
    });
    assert.deepEqual(
      rights.map((r) => [r.right, r.grantedBy]),
      [
        ["audit", owner.id],
        ["download", owner.id],
      ],
    );

    for (const email of ["dup@example.com", "DUP@example.COM"]) {
      await assert.rejects(
        createAdmin({ email, password: "another fine password", owner: false }),
        AdminExistsError,
        email,
      );
    }
    assert.equal(await db().adminUser.count(), 2);
    await db().adminUser.deleteMany();
  });
});

// ---- sessions --------------------------------------------------------------------------------------

describe("sessions", () => {
  let userId: string;
  const T0 = new Date("2026-05-01T08:00:00.000Z");
  const newSession = (now = T0) =>
    createSession({ userId, ipAddress: "203.0.113.5", userAgent: "test-agent", now });

  before(async () => {
    const u = await createAdmin({
      email: "session-user@example.com",
      password: "correct horse battery",
      owner: false,
      rights: ["request", "download"],
    });
    userId = u.id;
  });

  test("the token has at least 128 bits and only its sha256 is stored", async () => {
    const { token, session } = await newSession();
    const bytes = Buffer.from(token, "base64url");
    assert.ok(bytes.length * 8 >= 128, `${bytes.length * 8} bits`);
    assert.equal(bytes.toString("base64url"), token, "token is plain base64url");
    const sha = createHash("sha256").update(token).digest("hex");
    assert.equal(session.id, sha);
    assert.equal(hashSessionToken(token), sha);
    assert.notEqual(session.id, token);
    assert.equal(await db().session.findUnique({ where: { id: token } }), null);
    const row = await db().session.findUnique({ where: { id: sha } });
    assert.ok(row);
    assert.ok(!JSON.stringify(row).includes(token), "token stored somewhere in the row");
    const other = await newSession();
    assert.notEqual(other.token, token, "each login gets a new token");
  });

  test("an active session carries the user and their rights", async () => {
    const { token, session } = await newSession();
    const active = await getActiveSession(token, at(T0, 5 * MIN));
    assert.ok(active);
    assert.equal(active.id, session.id);
    assert.equal(active.user.id, userId);
    assert.equal(active.user.email, "session-user@example.com");
    assert.equal(active.user.isOwner, false);
    assert.deepEqual([...active.user.rights].sort(), ["download", "request"]);
    for (const bad of [
      undefined,
      "",
      "not-a-token",
      token + "x",
      token.slice(0, -1),
      "a".repeat(101),
    ]) {
      assert.equal(await getActiveSession(bad, at(T0, MIN)), null, JSON.stringify(bad));
    }
  });

  test("revoked sessions are dead at once", async () => {
    const a = await newSession();
    const b = await newSession();
    assert.ok(await getActiveSession(a.token, T0));
    await revokeSession(a.session.id);
    assert.equal(await getActiveSession(a.token, T0), null);
    assert.ok(await getActiveSession(b.token, T0), "only the revoked one");
    const n = await revokeUserSessions(userId);
    assert.ok(n >= 1);
    assert.equal(await getActiveSession(b.token, T0), null);
    assert.equal(await db().session.count({ where: { userId, revokedAt: null } }), 0);
  });

  test("absolute expiry: 24 h after sign-in even with constant activity", async () => {
    const { token } = await newSession();
    for (const h of [7, 14, 21])
      assert.ok(await getActiveSession(token, at(T0, h * HOUR)), `${h} h`);
    assert.ok(await getActiveSession(token, at(T0, 24 * HOUR - 1000)), "just before 24 h");
    assert.equal(await getActiveSession(token, at(T0, 24 * HOUR)), null, "at 24 h");
    assert.equal(await getActiveSession(token, at(T0, 25 * HOUR)), null);
  });

  test("idle expiry: 480 minutes without a request", async () => {
    const a = await newSession();
    assert.equal(
      await getActiveSession(a.token, at(T0, 480 * MIN)),
      null,
      "idle for exactly the limit",
    );
    const b = await newSession();
    assert.ok(await getActiveSession(b.token, at(T0, 480 * MIN - 1000)), "just under the limit");
    // That request counted as activity: the idle clock restarted.
    assert.ok(await getActiveSession(b.token, at(T0, 900 * MIN)));
    assert.equal(
      await getActiveSession(b.token, at(T0, (900 + 480) * MIN)),
      null,
      "idle again, still inside the 24 h",
    );
  });

  test("sessions of a disabled admin stop working", async () => {
    const { token } = await newSession();
    assert.ok(await getActiveSession(token, T0));
    await db().adminUser.update({ where: { id: userId }, data: { disabledAt: T0 } });
    try {
      assert.equal(await getActiveSession(token, at(T0, MIN)), null);
    } finally {
      await db().adminUser.update({ where: { id: userId }, data: { disabledAt: null } });
    }
  });

  test("lastSeenAt is refreshed at most once a minute", async () => {
    const { token, session } = await newSession();
    const lastSeen = async () =>
      (await db().session.findUniqueOrThrow({ where: { id: session.id } })).lastSeenAt.getTime();
    assert.equal(await lastSeen(), T0.getTime());
    for (const [offset, expected] of [
      [30_000, 0],
      [60_000, 0],
      [61_000, 61_000],
      [90_000, 61_000],
      [121_000, 61_000],
      [122_000, 122_000],
    ] as const) {
      assert.ok(await getActiveSession(token, at(T0, offset)));
      assert.equal(await lastSeen(), T0.getTime() + expected, `after a request at +${offset} ms`);
    }
  });
});

// ---- authenticate and the throttle -----------------------------------------------------------------

describe("authenticate", () => {
  const PW = "correct horse battery staple";
  const T = new Date("2026-06-01T12:00:00.000Z");
  let aliceId: string;

  before(async () => {
    await db().loginThrottle.deleteMany();
    aliceId = (await createAdmin({ email: "alice@example.com", password: PW, owner: false })).id;
    await createAdmin({ email: "bob@example.com", password: PW, owner: false });
    await createAdmin({ email: "carol@example.com", password: PW, owner: false });
    const dis = await createAdmin({ email: "disabled@example.com", password: PW, owner: false });
    await db().adminUser.update({ where: { id: dis.id }, data: { disabledAt: T } });
  });

  test("the right password signs in; wrong password, unknown user and disabled user look the same", async () => {
    assert.deepEqual(
      await authenticate({
        email: " Alice@Example.com ",
        password: PW,
        ip: "198.51.100.1",
        now: T,
      }),
      { ok: true, userId: aliceId },
    );
    const wrong = await authenticate({
      email: "alice@example.com",
      password: PW + "!",
      ip: "198.51.100.1",
      now: T,
    });
    const unknown = await authenticate({
      email: "nobody@example.com",
      password: PW,
      ip: "198.51.100.2",
      now: T,
    });
    const disabled = await authenticate({
      email: "disabled@example.com",
      password: PW,
      ip: "198.51.100.3",
      now: T,
    });
    for (const r of [wrong, unknown, disabled])
      assert.deepEqual(r, { ok: false, reason: "invalid" });
    assert.equal(JSON.stringify(wrong), JSON.stringify(unknown));
    // The success cleared alice's counter; the one failure since is counted.
    const row = await db().loginThrottle.findUnique({
      where: { key: "account:alice@example.com" },
    });
    assert.equal(row?.failures, 1);
  });

  test("5 failures throttle the account; it works again after the delay; success clears the counter", async () => {
    const ip = "198.51.100.10";
    await db().loginThrottle.deleteMany({ where: { key: "account:alice@example.com" } });
    for (let i = 0; i < 5; i++) {
      assert.deepEqual(
        await authenticate({
          email: "alice@example.com",
          password: `wrong-${i}`,
          ip,
          now: at(T, i * 1000),
        }),
        { ok: false, reason: "invalid" },
        `failure ${i + 1}`,
      );
    }
    const lockedAt = at(T, 4000); // the 5th failure
    // The right password is refused while throttled, from any address and in any spelling.
    for (const [email, from] of [
      ["alice@example.com", ip],
      ["ALICE@example.com ", "198.51.100.11"],
    ] as const) {
      const r = await authenticate({ email, password: PW, ip: from, now: at(lockedAt, 1000) });
      assert.equal(r.ok, false);
      assert.equal(r.ok === false && r.reason, "throttled");
      const retry = r.ok === false && r.reason === "throttled" ? r.retryAfterSeconds : -1;
      assert.ok(retry > 0 && retry <= 30, `retryAfterSeconds ${retry}`);
    }
    assert.equal(
      await loginRetryAfter(
        { email: "alice@example.com", ip: "203.0.113.200" },
        at(lockedAt, 10_000),
      ),
      20,
    );

    // No permanent lock-out: after the delay the right password works.
    const ok = await authenticate({
      email: "alice@example.com",
      password: PW,
      ip,
      now: at(lockedAt, 30_001),
    });
    assert.deepEqual(ok, { ok: true, userId: aliceId });
    assert.equal(
      await db().loginThrottle.findUnique({ where: { key: "account:alice@example.com" } }),
      null,
      "account counter cleared",
    );
    // Cleared means a fresh allowance, not one more failure to a lock.
    const again = await authenticate({
      email: "alice@example.com",
      password: "wrong",
      ip: "198.51.100.12",
      now: at(lockedAt, 31_000),
    });
    assert.deepEqual(again, { ok: false, reason: "invalid" });
    assert.equal(
      await loginRetryAfter(
        { email: "alice@example.com", ip: "198.51.100.12" },
        at(lockedAt, 31_000),
      ),
      0,
    );
  });

  test("the delay grows with further failures, then the window forgets", async () => {
    const ip = "198.51.100.20";
    for (let i = 0; i < 5; i++)
      await authenticate({ email: "bob@example.com", password: "wrong", ip, now: T });
    assert.equal(await loginRetryAfter({ email: "bob@example.com", ip }, T), 30);
    const t1 = at(T, 30_000);
    assert.deepEqual(
      await authenticate({ email: "bob@example.com", password: "wrong", ip, now: t1 }),
      { ok: false, reason: "invalid" },
    );
    assert.equal(
      await loginRetryAfter({ email: "bob@example.com", ip }, t1),
      60,
      "6th failure doubles the delay",
    );
    const r = await authenticate({
      email: "bob@example.com",
      password: PW,
      ip,
      now: at(t1, 59_000),
    });
    assert.deepEqual(r, { ok: false, reason: "throttled", retryAfterSeconds: 1 });
    assert.equal(
      (await authenticate({ email: "bob@example.com", password: PW, ip, now: at(t1, 60_000) })).ok,
      true,
    );
  });

  test("20 failures from one address throttle that address for every account", async () => {
    const ip = "198.51.100.30";
    for (let i = 0; i < 20; i++) {
      assert.deepEqual(
        await authenticate({ email: `ghost-${i}@example.com`, password: "guess", ip, now: T }),
        { ok: false, reason: "invalid" },
      );
    }
    const blocked = await authenticate({
      email: "carol@example.com",
      password: PW,
      ip,
      now: at(T, 1000),
    });
    assert.equal(blocked.ok === false && blocked.reason, "throttled");
    assert.deepEqual(
      await authenticate({
        email: "carol@example.com",
        password: PW,
        ip: "198.51.100.31",
        now: at(T, 1000),
      }),
      {
        ok: true,
        userId: (await db().adminUser.findUniqueOrThrow({ where: { email: "carol@example.com" } }))
          .id,
      },
    );
    assert.equal(
      (await authenticate({ email: "carol@example.com", password: PW, ip, now: at(T, 31_000) })).ok,
      true,
      "the address delay passes too",
    );
  });

  test("20 concurrent wrong passwords: at most 5 are checked, the rest are throttled", async () => {
    await db().loginThrottle.deleteMany();
    const ip = "198.51.100.40";
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        authenticate({ email: "carol@example.com", password: `guess-${i}`, ip, now: T }),
      ),
    );
    const checked = results.filter((r) => r.ok === false && r.reason === "invalid").length;
    const throttled = results.filter((r) => r.ok === false && r.reason === "throttled").length;
    assert.equal(checked + throttled, 20);
    assert.ok(
      checked <= 5,
      `${checked} of 20 concurrent guesses were checked against the password (threshold 5)`,
    );
  });

  test("concurrent failures are all counted (no lost updates)", async () => {
    await db().loginThrottle.deleteMany();
    const ip = "198.51.100.50";
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        authenticate({ email: "bob@example.com", password: `guess-${i}`, ip, now: T }),
      ),
    );
    const checked = results.filter((r) => r.ok === false && r.reason === "invalid").length;
    const account = await db().loginThrottle.findUniqueOrThrow({
      where: { key: "account:bob@example.com" },
    });
    const address = await db().loginThrottle.findUniqueOrThrow({ where: { key: `ip:${ip}` } });
    assert.ok(
      account.failures >= checked,
      `account counter ${account.failures} after ${checked} checked wrong passwords`,
    );
    assert.ok(
      address.failures >= checked,
      `address counter ${address.failures} after ${checked} checked wrong passwords`,
    );
    await db().loginThrottle.deleteMany();
  });
});

// ---- issue 11 item 20: no fast path for accounts without a password -------------------------------

describe("every sign-in attempt costs one argon2 verification", () => {
  const PW = "correct horse battery staple";
  const T = new Date("2026-07-01T12:00:00.000Z");

  test("a real account, an unknown email, a pending account (no password yet) and a disabled one each run argon2 once", async () => {
    await db().loginThrottle.deleteMany();
    await createAdmin({ email: "timing-real@example.com", password: PW, owner: false });
    const dis = await createAdmin({
      email: "timing-disabled@example.com",
      password: PW,
      owner: false,
    });
    await db().adminUser.update({ where: { id: dis.id }, data: { disabledAt: T } });
    // What addAdmin stores until the invited admin sets a password: not a hash at all.
    await db().adminUser.create({
      data: {
        id: "00000000-0000-4000-8000-00000000aa20",
        email: "timing-pending@example.com",
        passwordHash: "!unset-0123456789abcdef",
      },
    });
    const verify = mock.method(passwordHasher, "verify");
    try {
      let n = 0;
      for (const email of [
        "timing-real@example.com",
        "timing-nobody@example.com",
        "timing-pending@example.com",
        "timing-disabled@example.com",
      ]) {
        const before = verify.mock.callCount();
        const r = await authenticate({
          email,
          password: "a wrong guess",
          ip: `198.51.100.${200 + n++}`,
          now: T,
        });
        assert.deepEqual(r, { ok: false, reason: "invalid" }, email);
        const calls = verify.mock.calls.slice(before);
        assert.equal(calls.length, 1, `${email}: argon2 verifications`);
        assert.match(
          String(calls[0]!.arguments[0]),
          /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/,
          `${email}: checked against a real argon2id hash`,
        );
      }
    } finally {
      verify.mock.restore();
    }
  });
});
