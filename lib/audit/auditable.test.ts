import assert from "node:assert/strict";
import { test } from "node:test";
import { SECRET_MASK } from "./mask.ts";
import { pickAuditable, type AuditFields } from "./auditable.ts";

// Issue 11 item 1: an audit record keeps what an action's allow-list names, nothing else, so a new
// or misspelt secret field (confirmPassword, newSecret, …) can never slip through a deny-list.

const FIELDS: AuditFields = {
  email: true,
  rights: true,
  SMTPPassword: "secret",
  GlobalRelaySettings: { EmailAddress: true, SMTPPassword: "secret" },
};

test("only listed fields are kept; unlisted ones, however named, are dropped", () => {
  const picked = pickAuditable(
    {
      email: "a@b.example",
      rights: ["audit"],
      password: "canary-1",
      confirmPassword: "canary-2",
      passwd: "canary-3",
      token: "canary-4",
      unexpected: { deep: "canary-5" },
    },
    FIELDS,
  );
  assert.deepEqual(picked, { email: "a@b.example", rights: ["audit"] });
  assert.ok(!JSON.stringify(picked).includes("canary"));
});

test("secret fields keep only whether a value was given", () => {
  assert.deepEqual(pickAuditable({ SMTPPassword: "canary" }, FIELDS), {
    SMTPPassword: SECRET_MASK,
  });
  assert.deepEqual(pickAuditable({ SMTPPassword: "" }, FIELDS), { SMTPPassword: "" });
  assert.deepEqual(pickAuditable({ SMTPPassword: { nested: "canary" } }, FIELDS), {
    SMTPPassword: SECRET_MASK,
  });
  assert.deepEqual(
    pickAuditable(
      {
        GlobalRelaySettings: {
          EmailAddress: "archive@gr.example",
          SMTPPassword: "canary",
          SMTPPasswordEcho: "canary",
        },
      },
      FIELDS,
    ),
    {
      GlobalRelaySettings: { EmailAddress: "archive@gr.example", SMTPPassword: SECRET_MASK },
    },
  );
});

test("raw, unvalidated input: wrong shapes and huge values do not leak or flood", () => {
  assert.deepEqual(pickAuditable("canary", FIELDS), {});
  assert.deepEqual(pickAuditable(["canary"], FIELDS), {});
  assert.deepEqual(pickAuditable(null, FIELDS), {});
  // A nested allow-list applied to a non-object keeps nothing of it.
  assert.deepEqual(pickAuditable({ GlobalRelaySettings: "canary" }, FIELDS), {});
  const long = pickAuditable({ email: "x".repeat(100_000) }, FIELDS) as { email: string };
  assert.ok(long.email.length <= 1001, `${long.email.length} characters kept`);
  // Prototype keys are not fields.
  assert.deepEqual(pickAuditable(JSON.parse('{"__proto__": {"email": "canary"}}'), FIELDS), {});
});
