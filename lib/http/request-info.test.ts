import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { resetEnvForTests } from "../config/env.ts";
import { db } from "../db/client.ts";
import { record } from "../audit/record.ts";
import { authenticate } from "../auth/authenticate.ts";
import { createAdmin } from "../auth/create-admin.ts";
import { CLIENT_IP_HEADER, requestInfoFrom } from "./request-info.ts";
import { readCookie, sessionTokenFrom } from "./session-cookie.ts";

// Issue 11 items 5 (trusted proxy hops), 12 (__Host- only over HTTPS) and 15 (a malformed cookie
// is no session, not an error).

let t: TestDatabase;
before(async () => {
  t = await useTestDatabase();
});
after(async () => {
  delete process.env.CUSTODIAN_TRUST_PROXY;
  delete process.env.CUSTODIAN_TRUST_PROXY_HOPS;
  resetEnvForTests();
  await t.cleanup();
});

function proxy(trust: "on" | "off", hops?: number): void {
  process.env.CUSTODIAN_TRUST_PROXY = trust;
  if (hops === undefined) delete process.env.CUSTODIAN_TRUST_PROXY_HOPS;
  else process.env.CUSTODIAN_TRUST_PROXY_HOPS = String(hops);
  resetEnvForTests();
}

const headers = (xff: string | undefined, extra: Record<string, string> = {}) =>
  new Headers({
    [CLIENT_IP_HEADER]: "10.0.0.5",
    ...(xff === undefined ? {} : { "x-forwarded-for": xff }),
    ...extra,
  });

describe("the client address behind a trusted proxy", () => {
  test("one hop (the default): the right-most X-Forwarded-For entry, whatever the client put before it", () => {
    proxy("on");
    for (const xff of [
      "203.0.113.7",
      "6.6.6.6, 203.0.113.7",
      "1.2.3.4,5.6.7.8 , 203.0.113.7",
      "evil, <script>, 203.0.113.7",
    ]) {
      assert.equal(requestInfoFrom(headers(xff)).ipAddress, "203.0.113.7", xff);
    }
  });

  test("two hops: the entry the outer proxy added; a short list falls back to its first entry", () => {
    proxy("on", 2);
    assert.equal(
      requestInfoFrom(headers("6.6.6.6, 203.0.113.7, 10.0.0.2")).ipAddress,
      "203.0.113.7",
    );
    assert.equal(requestInfoFrom(headers("203.0.113.8, 10.0.0.2")).ipAddress, "203.0.113.8");
    assert.equal(requestInfoFrom(headers("203.0.113.9")).ipAddress, "203.0.113.9");
  });

  test("without a trusted proxy, or without the header, the connection's address", () => {
    proxy("off");
    assert.equal(requestInfoFrom(headers("6.6.6.6, 203.0.113.7")).ipAddress, "10.0.0.5");
    proxy("on");
    assert.equal(requestInfoFrom(headers(undefined)).ipAddress, "10.0.0.5");
    assert.equal(requestInfoFrom(headers(" , ")).ipAddress, "10.0.0.5");
  });

  test("HTTPS from the proxy's X-Forwarded-Proto only when trusted", () => {
    proxy("on");
    assert.equal(
      requestInfoFrom(headers("203.0.113.7", { "x-forwarded-proto": "https" })).secure,
      true,
    );
    assert.equal(
      requestInfoFrom(headers("203.0.113.7", { "x-forwarded-proto": "http" })).secure,
      false,
    );
    proxy("off");
    assert.equal(
      requestInfoFrom(headers("203.0.113.7", { "x-forwarded-proto": "https" })).secure,
      false,
    );
    assert.equal(requestInfoFrom(headers(undefined, { "x-custodian-secure": "1" })).secure, true);
  });

  test("a client-chosen prefix neither escapes the per-address sign-in throttle nor reaches the audit record", async () => {
    proxy("on");
    await createAdmin({
      email: "xff@example.com",
      password: "correct horse battery staple",
      owner: false,
    });
    const T = new Date("2026-08-01T12:00:00.000Z");
    const results = [];
    for (let i = 0; i < 21; i++) {
      const info = requestInfoFrom(headers(`198.18.${i}.${i}, spoofed-${i}, 203.0.113.50`));
      // A different (unknown) account each time: only the per-address counter can stop this.
      results.push(
        await authenticate({
          email: `nobody-${i}@example.com`,
          password: "guess",
          ip: info.ipAddress,
          now: T,
        }),
      );
      if (i === 20) {
        await record({
          eventName: "login",
          status: "fail",
          actor: { userId: "", sessionId: "", client: info.userAgent, ipAddress: info.ipAddress },
          objectType: "session",
          apiPath: "/login",
        });
      }
    }
    assert.deepEqual(
      results.slice(0, 20).map((r) => r.ok === false && r.reason),
      Array(20).fill("invalid"),
    );
    assert.equal(
      results[20]!.ok === false && results[20]!.reason,
      "throttled",
      "the 21st attempt from one real address is throttled",
    );
    const audit = await db().auditRecord.findFirstOrThrow({
      where: { eventName: "login" },
      orderBy: { id: "desc" },
    });
    assert.equal(
      (JSON.parse(audit.json) as { actor: { ip_address: string } }).actor.ip_address,
      "203.0.113.50",
    );
    assert.ok(!audit.json.includes("spoofed") && !audit.json.includes("198.18."), audit.json);
  });
});

describe("the session cookie", () => {
  test("over HTTPS only the __Host- cookie is a session; over HTTP only the plain one", () => {
    assert.equal(sessionTokenFrom("custodian_session=plain-token", true), undefined);
    assert.equal(sessionTokenFrom("__Host-custodian_session=host-token", true), "host-token");
    assert.equal(
      sessionTokenFrom("custodian_session=plain-token; __Host-custodian_session=host-token", true),
      "host-token",
    );
    assert.equal(sessionTokenFrom("custodian_session=plain-token", false), "plain-token");
    assert.equal(sessionTokenFrom("__Host-custodian_session=host-token", false), undefined);
  });

  test("a malformed cookie is no session, never an exception", () => {
    for (const header of [
      "custodian_session=%E0%A4%A",
      "custodian_session=%",
      "custodian_session=%zz; other=1",
      "=; ;custodian_session",
      "",
    ]) {
      assert.doesNotThrow(() => sessionTokenFrom(header, false), header);
      assert.equal(sessionTokenFrom(header, false), undefined, header);
    }
    assert.equal(readCookie("a=1; b=x%20y", "b"), "x y");
  });
});
