import assert from "node:assert/strict";
import { test } from "node:test";
import { hostAllowed, isCrossSiteAction } from "./host-guard.ts";

// Issue 11 item 16: a request for any other Host is refused (DNS rebinding against /setup cannot
// work), and a cross-site server action is recognised before Next.js refuses it unaudited.

const defaults = { publicUrl: undefined, allowedHosts: [] as string[], listenHost: "0.0.0.0" };

test("loopback names always work (npm start, the e2e tests); a rebinding name does not", () => {
  for (const host of ["localhost:3000", "127.0.0.1:3000", "[::1]:3000", "LOCALHOST", "127.0.0.1"])
    assert.equal(hostAllowed(host, defaults), true, host);
  for (const host of [
    "evil.example",
    "evil.example:3000",
    "localhost.evil.example",
    "127.0.0.1.nip.io:3000",
    "",
    undefined,
  ])
    assert.equal(hostAllowed(host, defaults), false, String(host));
});

test("without CUSTODIAN_PUBLIC_URL: the listening host; when listening everywhere, any IP address", () => {
  assert.equal(hostAllowed("192.0.2.10:3000", defaults), true);
  assert.equal(hostAllowed("[2001:db8::1]:3000", defaults), true);
  assert.equal(
    hostAllowed("console.internal:3000", { ...defaults, listenHost: "console.internal" }),
    true,
  );
  assert.equal(
    hostAllowed("192.0.2.10:3000", { ...defaults, listenHost: "console.internal" }),
    false,
    "a specific listening host narrows it",
  );
});

test("with CUSTODIAN_PUBLIC_URL: its host, plus CUSTODIAN_ALLOWED_HOSTS", () => {
  const configured = {
    publicUrl: "https://custodian.example.com",
    allowedHosts: ["custodian-2.example.com", "Backup.Example.com:8443"],
    listenHost: "0.0.0.0",
  };
  for (const host of [
    "custodian.example.com",
    "Custodian.Example.com:443",
    "custodian-2.example.com",
    "backup.example.com:8443",
    "localhost:3000",
  ])
    assert.equal(hostAllowed(host, configured), true, host);
  for (const host of ["192.0.2.10:3000", "evil.example", "example.com"])
    assert.equal(hostAllowed(host, configured), false, host);
});

test("a server action from another origin or site is cross-site; same-origin and non-action requests are not", () => {
  const action = (h: Record<string, string>) => ({
    method: "POST",
    headers: { host: "127.0.0.1:3000", "next-action": "abc123", ...h },
  });
  assert.equal(isCrossSiteAction(action({ origin: "http://evil.example" })), true);
  assert.equal(isCrossSiteAction(action({ origin: "null" })), true);
  assert.equal(
    isCrossSiteAction(action({ origin: "http://127.0.0.1:3001" })),
    true,
    "another port is another origin",
  );
  assert.equal(isCrossSiteAction(action({ "sec-fetch-site": "cross-site" })), true);
  assert.equal(isCrossSiteAction(action({ origin: "not a url" })), true);
  assert.equal(
    isCrossSiteAction(action({ origin: "http://127.0.0.1:3000", "sec-fetch-site": "same-origin" })),
    false,
  );
  assert.equal(
    isCrossSiteAction(action({})),
    false,
    "no Origin: not a browser form post from elsewhere",
  );
  assert.equal(
    isCrossSiteAction({
      method: "POST",
      headers: { host: "127.0.0.1:3000", origin: "http://evil.example" },
    }),
    false,
    "not a server action: the route wrappers check those",
  );
  assert.equal(
    isCrossSiteAction({
      method: "GET",
      headers: { host: "127.0.0.1:3000", "next-action": "x", origin: "http://evil.example" },
    }),
    false,
  );
});
