import assert from "node:assert/strict";
import { test } from "node:test";
import { UserError } from "../errors/user-error.ts";
import { assertPasswordPolicy, emailWords, passwordProblem } from "./password-policy.ts";

// Issue 11 item 10: one policy with a real common-password list (zxcvbn-ts), the email and its
// parts counting as words that make a password weak.

test("well-known passwords are refused whatever their length", () => {
  for (const weak of [
    "password1234",
    "Password1234",
    "qwertyuiop123",
    "123456789012",
    "iloveyou1234",
    "letmeinletmein",
    "administrator1",
  ]) {
    assert.match(passwordProblem(weak) ?? "", /too easy to guess/, weak);
  }
});

test("the email, its local part and passwords built from its parts are refused", () => {
  const email = "jane.doe@example.com";
  assert.deepEqual(emailWords(email).slice(0, 4), [
    "jane.doe@example.com",
    "jane.doe",
    "example.com",
    "janedoe",
  ]);
  for (const weak of [
    "jane.doe@example.com",
    "JANE.DOE@EXAMPLE.COM",
    "jane.doe@example",
    "janedoe-example",
    "JaneDoeExample1",
    "example-jane-doe",
    "janedoe2026!",
  ]) {
    assert.ok(passwordProblem(weak, { email }), `${weak} is accepted for ${email}`);
  }
  // The same strings are no personal data for somebody else… but still refused when weak on their own.
  assert.equal(
    passwordProblem("janedoe-example-orchid-7", { email: "someone.else@example.org" }),
    null,
  );
});

test("the shape rules still hold, and good passphrases pass", () => {
  assert.match(passwordProblem("Sh0rt!") ?? "", /at least 12/);
  assert.match(passwordProblem("ab".repeat(200)) ?? "", /at most 256/);
  assert.match(passwordProblem("abababababab") ?? "", /different characters/);
  for (const ok of [
    "correct horse battery staple",
    "owner passphrase 0451",
    "密码密码-安全-2026-ok",
    "Matrix-passphrase-1a2b3c4d",
  ]) {
    assert.equal(passwordProblem(ok, { email: "owner@example.com" }), null, ok);
  }
});

test("assertPasswordPolicy throws a 400 with the message on the password field (or the one named)", () => {
  assert.throws(
    () => assertPasswordPolicy("owner@example.com", { email: "owner@example.com" }),
    (e: unknown) =>
      e instanceof UserError && e.status === 400 && typeof e.fieldErrors.password === "string",
  );
  assert.throws(
    () => assertPasswordPolicy("password1234", { field: "newPassword" }),
    (e: unknown) => e instanceof UserError && typeof e.fieldErrors.newPassword === "string",
  );
  assert.doesNotThrow(() =>
    assertPasswordPolicy("correct horse battery staple", { email: "owner@example.com" }),
  );
});
