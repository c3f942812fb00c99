import assert from "node:assert/strict";
import { test } from "node:test";
import { emailProblem, ZEmail } from "./email.ts";

// RELIABILITY.md "Bad-input catalogue" (Emails) and check 36: one policy for every address.

const local64 = "l".repeat(64);
const label63 = "d".repeat(63);
// 64 + 1 + 189 = 254 characters: the longest address that fits a 256-octet SMTP path "<…>".
const domain189 = [label63, label63, "e".repeat(57), "com"].join(".");
const longest = `${local64}@${domain189}`;
const tooLong = `${local64}@${label63}.${label63}.${"e".repeat(58)}.com`; // 255, otherwise well-formed

const accepted: string[] = [
  "alice@example.com",
  "a@b.c",
  "first.last+tag@sub.example.co.uk",
  "o'brien@example.ie",
  "UPPER.Case@Example.COM",
  "x_y-z@a-b.example",
  "user!#$%&'*+/=?^_`{|}~-@example.org",
  "archive@xn--fsqu00a.xn--4rr70v", // an IDN domain in its ASCII (xn--) form
  `${local64}@example.com`, // 64-character local part: the maximum
  longest,
];

const rejected: Array<[label: string, value: string]> = [
  ["CRLF header injection", "a@b.c\r\nBcc: x@evil"],
  ["LF only", "a@b.c\nBcc: x@evil.example"],
  ["percent-encoded CRLF", "a@b.c%0d%0aBcc:"],
  ["GHSA quoted local part", '"x@evil.com y"@corp.example'],
  ["quoted local part without @", '"john doe"@example.com'],
  ["angle brackets", "<a@b.c>"],
  ["display name", "Alice <a@b.c>"],
  ["list of two", "a@b.c, d@e.f"],
  ["list without space", "a@b.c,d@e.f"],
  ["65-character local part", `${"l".repeat(65)}@example.com`],
  ["255 characters in total", tooLong],
  ["300 characters in total", `a@${Array.from({ length: 5 }, () => "e".repeat(59)).join(".")}.com`],
  ["IDN Unicode", "用户@例子.广告"],
  ["Unicode domain", "user@例子.广告"],
  ["Unicode local part", "用户@example.com"],
  ["trailing dot in domain", "a@b.c."],
  ["trailing dot in local part", "a.@b.c"],
  ["leading dot in local part", ".a@b.c"],
  ["double dot in local part", "a..b@c.d"],
  ["double dot in domain", "a@b..c"],
  ["trailing space", "a@b.c "],
  ["leading space", " a@b.c"],
  ["trailing newline", "a@b.c\n"],
  ["space inside", "a b@c.d"],
  ["NUL", "a\u0000@b.c"],
  ["empty", ""],
  ["no @", "example.com"],
  ["nothing before @", "@example.com"],
  ["nothing after @", "alice@"],
  ["single-label domain", "alice@localhost"],
  ["two @", "a@b@c.d"],
  ["label starting with hyphen", "a@-b.c"],
  ["label ending with hyphen", "a@b-.c"],
  ["64-character label", `a@${"d".repeat(64)}.com`],
  ["IP literal", "a@[127.0.0.1]"],
  ["underscore in domain", "a@b_c.d"],
];

test("accepts plain ASCII addr-specs, with a 64-character local part and 254 characters in total", () => {
  assert.equal(longest.length, 254);
  for (const value of accepted) {
    assert.equal(
      emailProblem(value),
      undefined,
      `expected ${JSON.stringify(value)} to be accepted`,
    );
    const parsed = ZEmail.safeParse(value);
    assert.ok(parsed.success, `ZEmail should accept ${JSON.stringify(value)}`);
    assert.equal(parsed.data, value, "the address is not rewritten");
  }
});

test("rejects injection, lists, quoted parts, IDN, over-long and malformed addresses", () => {
  for (const [label, value] of rejected) {
    const problem = emailProblem(value);
    assert.equal(
      typeof problem,
      "string",
      `${label}: expected ${JSON.stringify(value)} to be rejected`,
    );
    assert.ok(problem!.length > 0);
    const parsed = ZEmail.safeParse(value);
    assert.equal(parsed.success, false, `${label}: ZEmail should reject ${JSON.stringify(value)}`);
    assert.equal(parsed.error!.issues.length, 1);
    assert.equal(
      parsed.error!.issues[0]!.message,
      problem,
      `${label}: ZEmail reports emailProblem's message`,
    );
  }
});

test("each kind of problem gets its own message", () => {
  assert.equal(emailProblem(""), "Enter an email address.");
  assert.match(emailProblem("a@b.c ")!, /spaces/);
  assert.match(emailProblem(" a@b.c")!, /spaces/);
  assert.match(emailProblem("a@b.c\r\n")!, /spaces/);
  assert.equal(tooLong.length, 255);
  assert.match(emailProblem(tooLong)!, /longer than 254/);
  assert.match(emailProblem(`${"l".repeat(65)}@example.com`)!, /before @ is longer than 64/);
  assert.match(emailProblem('"x@evil.com y"@corp.example')!, /before @ may use/);
  assert.match(emailProblem("a@b.c\r\nBcc: x@evil")!, /before @ may use|domain/);
  assert.match(emailProblem("用户@例子.广告")!, /before @ may use/);
  assert.match(emailProblem("user@例子.广告")!, /xn--/);
  assert.match(emailProblem("a@b.c.")!, /domain/);
  assert.match(emailProblem("alice@")!, /like name@example\.com/);
});

test("ZEmail refuses non-strings", () => {
  for (const value of [undefined, null, 42, ["a@b.c"], { email: "a@b.c" }]) {
    assert.equal(
      ZEmail.safeParse(value).success,
      false,
      `${JSON.stringify(value)} should be refused`,
    );
  }
});
