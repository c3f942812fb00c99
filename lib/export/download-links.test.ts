import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { env } from "../config/env.ts";
import { UserError } from "../errors/user-error.ts";
import { createAdmin } from "../auth/create-admin.ts";
import type { Principal } from "../auth/rights.ts";
import { updateAdminRights } from "../admins/update-admin-rights.ts";
import { deactivateAdmin, reactivateAdmin } from "../admins/deactivate-admin.ts";
import { createDownloadLink, verifyDownloadLink } from "./download-links.ts";
import { createSession, endSession, revokeUserSessions } from "../auth/sessions.ts";

// Issue 5 "signed, short-lived URLs" and RELIABILITY.md check 31: default TTL ≤ 6 h, hard max
// 604,800 s; expired or tampered ⇒ 403; revoking the issuer's right stops the link at once.

let t: TestDatabase;
let owner: Principal;
let issuerId: string;
const JOB = randomUUID();
const OTHER_JOB = randomUUID();
const NOW = new Date("2026-04-15T10:00:00.000Z");
const MIN = 60_000;

before(async () => {
  delete process.env.CUSTODIAN_LINK_TTL_MINUTES;
  t = await useTestDatabase();
  const o = await createAdmin({
    email: "owner@example.com",
    password: "owner passphrase 0451",
    owner: true,
  });
  owner = { id: o.id, isOwner: true, rights: [] };
  issuerId = (
    await createAdmin({
      email: "dl@example.com",
      password: "downloader passphrase 1",
      owner: false,
      rights: ["download", "request"],
      grantedBy: o.id,
    })
  ).id;
});
after(async () => t.cleanup());

async function refused(p: Promise<unknown>, why: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof UserError, `${why}: ${String(e)}`);
    assert.equal(e.status, 403, why);
    return;
  }
  assert.fail(`${why}: the link was accepted`);
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
const unb64 = (s: string) =>
  JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as Record<string, unknown>;

describe("signed download links", () => {
  test("a link verifies for its job (with its batch), and not for another job", async () => {
    const link = await createDownloadLink({ jobId: JOB, userId: issuerId, batch: 3, now: NOW });
    assert.match(link.linkId, /^[0-9a-f-]{36}$/);
    assert.deepEqual(await verifyDownloadLink({ token: link.token, jobId: JOB, now: NOW }), {
      linkId: link.linkId,
      userId: issuerId,
      batch: 3,
    });
    await refused(
      verifyDownloadLink({ token: link.token, jobId: OTHER_JOB, now: NOW }),
      "another job id",
    );

    const whole = await createDownloadLink({ jobId: JOB, userId: issuerId, now: NOW });
    assert.deepEqual(await verifyDownloadLink({ token: whole.token, jobId: JOB, now: NOW }), {
      linkId: whole.linkId,
      userId: issuerId,
      batch: undefined,
    });
    assert.notEqual(whole.linkId, link.linkId, "every link has its own id");
    assert.equal(
      unb64(link.token.split(".")[0]!).l,
      link.linkId,
      "the link id is in the signed payload, apart from the signature",
    );
  });

  test("the default TTL is the configured one (60 min, at most 6 h) and the link dies at its expiry", async () => {
    assert.equal(env().CUSTODIAN_LINK_TTL_MINUTES, 60);
    assert.ok(env().CUSTODIAN_LINK_TTL_MINUTES <= 6 * 60);
    const link = await createDownloadLink({ jobId: JOB, userId: issuerId, now: NOW });
    assert.equal(link.expiresAt.getTime(), NOW.getTime() + 60 * MIN);
    await verifyDownloadLink({
      token: link.token,
      jobId: JOB,
      now: new Date(link.expiresAt.getTime() - 1),
    });
    await refused(
      verifyDownloadLink({ token: link.token, jobId: JOB, now: link.expiresAt }),
      "at expiry",
    );
    await refused(
      verifyDownloadLink({
        token: link.token,
        jobId: JOB,
        now: new Date(link.expiresAt.getTime() + 24 * 60 * MIN),
      }),
      "a day later",
    );
  });

  test("the TTL is capped at 7 days (604,800 s)", async () => {
    for (const ttlMinutes of [7 * 24 * 60 + 1, 30 * 24 * 60, 1e9, Number.MAX_SAFE_INTEGER]) {
      const link = await createDownloadLink({ jobId: JOB, userId: issuerId, ttlMinutes, now: NOW });
      assert.equal(link.expiresAt.getTime() - NOW.getTime(), 604_800_000, `ttl ${ttlMinutes}`);
      await verifyDownloadLink({
        token: link.token,
        jobId: JOB,
        now: new Date(NOW.getTime() + 604_800_000 - 1),
      });
      await refused(
        verifyDownloadLink({
          token: link.token,
          jobId: JOB,
          now: new Date(NOW.getTime() + 604_800_000),
        }),
        `ttl ${ttlMinutes} after 7 days`,
      );
    }
    const short = await createDownloadLink({
      jobId: JOB,
      userId: issuerId,
      ttlMinutes: 5,
      now: NOW,
    });
    assert.equal(short.expiresAt.getTime() - NOW.getTime(), 5 * MIN);
  });

  test("a tampered payload or signature is refused", async () => {
    const link = await createDownloadLink({ jobId: JOB, userId: issuerId, batch: 1, now: NOW });
    const [payload, sig] = link.token.split(".") as [string, string];
    const p = unb64(payload);
    assert.deepEqual(Object.keys(p).sort(), ["b", "e", "j", "l", "r", "u"]);

    const forged: Array<[string, string, string]> = [
      ["payload names another job", `${b64({ ...p, j: OTHER_JOB })}.${sig}`, OTHER_JOB],
      [
        "payload extends the expiry",
        `${b64({ ...p, e: NOW.getTime() + 365 * 86_400_000 })}.${sig}`,
        JOB,
      ],
      ["payload names another issuer (the owner)", `${b64({ ...p, u: owner.id })}.${sig}`, JOB],
      ["payload drops the batch", `${b64({ l: p.l, j: p.j, u: p.u, r: p.r, e: p.e })}.${sig}`, JOB],
      ["payload names a later rights epoch", `${b64({ ...p, r: Number(p.r) + 1 })}.${sig}`, JOB],
      [
        "one payload character changed",
        `${payload.slice(0, 5)}${payload[5] === "A" ? "B" : "A"}${payload.slice(6)}.${sig}`,
        JOB,
      ],
      [
        "signature's last character changed",
        `${payload}.${sig.slice(0, -1)}${sig.endsWith("A") ? "B" : "A"}`,
        JOB,
      ],
      [
        "signature's first character changed",
        `${payload}.${sig[0] === "A" ? "B" : "A"}${sig.slice(1)}`,
        JOB,
      ],
      ["signature truncated", `${payload}.${sig.slice(0, -2)}`, JOB],
      ["signature doubled", `${payload}.${sig}${sig}`, JOB],
      ["signature missing", `${payload}.`, JOB],
      ["no dot at all", payload, JOB],
      ["signature only", `.${sig}`, JOB],
      ["empty token", "", JOB],
      [
        "the signature of another link",
        `${payload}.${(await createDownloadLink({ jobId: JOB, userId: issuerId, now: NOW })).token.split(".")[1]}`,
        JOB,
      ],
      ["signed with another key", `${payload}.${"x".repeat(sig.length)}`, JOB],
      ["over-long token", `${payload}.${sig}${"A".repeat(1000)}`, JOB],
    ];
    for (const [why, token, jobId] of forged)
      await refused(verifyDownloadLink({ token, jobId, now: NOW }), why);
    // The genuine token still works.
    await verifyDownloadLink({ token: link.token, jobId: JOB, now: NOW });
  });

  test("a link is one exact string: extra dot-separated segments are refused", async () => {
    // Found by this test: verifyDownloadLink splits on "." and ignores a third segment, so
    // `<token>.anything` is accepted as the same link.
    const link = await createDownloadLink({ jobId: JOB, userId: issuerId, now: NOW });
    await refused(
      verifyDownloadLink({ token: `${link.token}.extra`, jobId: JOB, now: NOW }),
      "a third segment",
    );
    await refused(
      verifyDownloadLink({ token: `${link.token}.`, jobId: JOB, now: NOW }),
      "a trailing dot",
    );
  });

  test("revoking the issuer's download right stops the link for good: granting it again does not revive it (issue 11 item 8)", async () => {
    const link = await createDownloadLink({ jobId: JOB, userId: issuerId, now: NOW });
    await verifyDownloadLink({ token: link.token, jobId: JOB, now: NOW });
    await updateAdminRights({ actor: owner, userId: issuerId, rights: ["request"] });
    await refused(
      verifyDownloadLink({ token: link.token, jobId: JOB, now: NOW }),
      "download revoked",
    );
    await updateAdminRights({ actor: owner, userId: issuerId, rights: ["request", "download"] });
    await refused(
      verifyDownloadLink({ token: link.token, jobId: JOB, now: NOW }),
      "download revoked, then granted again",
    );
    // Revoking any other right moves the epoch too; a link issued after the regrant works until then.
    const fresh = await createDownloadLink({ jobId: JOB, userId: issuerId, now: NOW });
    assert.equal(
      (await verifyDownloadLink({ token: fresh.token, jobId: JOB, now: NOW })).userId,
      issuerId,
    );
    await updateAdminRights({ actor: owner, userId: issuerId, rights: ["download"] });
    await refused(
      verifyDownloadLink({ token: fresh.token, jobId: JOB, now: NOW }),
      "another right revoked",
    );
    await updateAdminRights({ actor: owner, userId: issuerId, rights: ["request", "download"] });
  });

  test("the issuer signing out, or having their sessions ended, stops their links (issue 11 item 8)", async () => {
    const session = await createSession({
      userId: issuerId,
      ipAddress: "192.0.2.9",
      userAgent: "t",
    });
    const link = await createDownloadLink({ jobId: JOB, userId: issuerId, now: NOW });
    await verifyDownloadLink({ token: link.token, jobId: JOB, now: NOW });
    await endSession({ sessionId: session.session.id, userId: issuerId });
    await refused(
      verifyDownloadLink({ token: link.token, jobId: JOB, now: NOW }),
      "issuer signed out",
    );
    const again = await createDownloadLink({ jobId: JOB, userId: issuerId, now: NOW });
    await verifyDownloadLink({ token: again.token, jobId: JOB, now: NOW });
    await revokeUserSessions(issuerId);
    await refused(
      verifyDownloadLink({ token: again.token, jobId: JOB, now: NOW }),
      "issuer's sessions ended",
    );
  });

  test("the signed payload is the only source of the batch: a batch in the query must match it (issue 11 item 8)", async () => {
    const one = await createDownloadLink({ jobId: JOB, userId: issuerId, batch: 1, now: NOW });
    assert.equal(
      (await verifyDownloadLink({ token: one.token, jobId: JOB, requestedBatch: 1, now: NOW }))
        .batch,
      1,
    );
    await refused(
      verifyDownloadLink({ token: one.token, jobId: JOB, requestedBatch: 2, now: NOW }),
      "a link for batch 1 asked for batch 2",
    );
    const whole = await createDownloadLink({ jobId: JOB, userId: issuerId, now: NOW });
    await refused(
      verifyDownloadLink({ token: whole.token, jobId: JOB, requestedBatch: 3, now: NOW }),
      "a whole-export link narrowed to a batch",
    );
    assert.equal(
      (await verifyDownloadLink({ token: whole.token, jobId: JOB, now: NOW })).batch,
      undefined,
    );
  });

  test("a deactivated or removed issuer's links are refused; the owner's links work", async () => {
    const link = await createDownloadLink({ jobId: JOB, userId: issuerId, now: NOW });
    await deactivateAdmin({ actorId: owner.id, userId: issuerId, remove: false });
    await refused(
      verifyDownloadLink({ token: link.token, jobId: JOB, now: NOW }),
      "issuer deactivated",
    );
    await reactivateAdmin({ actorId: owner.id, userId: issuerId });
    await refused(
      verifyDownloadLink({ token: link.token, jobId: JOB, now: NOW }),
      "issuer deactivated, then reactivated (issue 11 item 8)",
    );
    await deactivateAdmin({ actorId: owner.id, userId: issuerId, remove: true });
    await refused(
      verifyDownloadLink({ token: link.token, jobId: JOB, now: NOW }),
      "issuer removed",
    );

    const ownerLink = await createDownloadLink({ jobId: JOB, userId: owner.id, now: NOW });
    assert.equal(
      (await verifyDownloadLink({ token: ownerLink.token, jobId: JOB, now: NOW })).userId,
      owner.id,
    );
    // A link naming an admin who never existed is refused too.
    await refused(
      verifyDownloadLink({
        token: (await createDownloadLink({ jobId: JOB, userId: randomUUID(), now: NOW })).token,
        jobId: JOB,
        now: NOW,
      }),
      "unknown issuer",
    );
  });
});
