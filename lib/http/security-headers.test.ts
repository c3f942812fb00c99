import assert from "node:assert/strict";
import { test } from "node:test";
import { newNonce, securityHeaders } from "./security-headers.ts";

// Issue 11 item 11: scripts run only with this response's nonce (no 'unsafe-inline'), and HTTPS
// responses (direct or through the trusted proxy) carry Strict-Transport-Security.

const directive = (csp: string, name: string) =>
  csp
    .split(";")
    .map((d) => d.trim())
    .find((d) => d.startsWith(`${name} `)) ?? "";

test("script-src allows this response's nonce and nothing inline", () => {
  const nonce = newNonce();
  const csp = securityHeaders({ nonce, secure: false })["Content-Security-Policy"]!;
  const scripts = directive(csp, "script-src");
  assert.ok(scripts.includes(`'nonce-${nonce}'`), scripts);
  assert.ok(!scripts.includes("'unsafe-inline'"), scripts);
  assert.ok(!scripts.includes("'unsafe-eval'"), scripts);
  for (const d of [
    "default-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ])
    assert.ok(csp.includes(d), d);
  assert.ok(
    directive(
      securityHeaders({ nonce, secure: false, dev: true })["Content-Security-Policy"]!,
      "script-src",
    ).includes("'unsafe-eval'"),
    "next dev needs eval",
  );
});

test("every nonce is new and long enough", () => {
  const nonces = new Set(Array.from({ length: 1000 }, newNonce));
  assert.equal(nonces.size, 1000);
  for (const n of nonces) assert.match(n, /^[A-Za-z0-9+/]{22,}={0,2}$/);
});

test("HSTS only over HTTPS", () => {
  assert.equal(
    securityHeaders({ nonce: newNonce(), secure: false })["Strict-Transport-Security"],
    undefined,
  );
  assert.match(
    securityHeaders({ nonce: newNonce(), secure: true })["Strict-Transport-Security"] ?? "",
    /^max-age=\d{8,}$/,
  );
});
