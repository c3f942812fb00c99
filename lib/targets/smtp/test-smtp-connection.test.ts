// "Test connection" against the loopback SMTP server, and the customer-type targets.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  startTestSmtpServer,
  unusedPort,
  type TestSmtpServer,
} from "../../testing/smtp/test-smtp-server.ts";
import { smtpEndpoint, type GlobalRelaySmtpSettings } from "./smtp-endpoint.ts";
import { testSmtpConnection } from "./test-smtp-connection.ts";

function settingsFor(
  host: string,
  port: number,
  over: Partial<GlobalRelaySmtpSettings> = {},
): GlobalRelaySmtpSettings {
  return {
    CustomerType: "CUSTOM",
    SMTPUsername: "custodian-test",
    SMTPPassword: "s3cret-smtp-password",
    EmailAddress: "archive@example.com",
    CustomSMTPServerName: host,
    CustomSMTPPort: port,
    SMTPServerTimeout: 5,
    ...over,
  };
}

describe("testSmtpConnection", () => {
  let server: TestSmtpServer;
  before(async () => {
    server = await startTestSmtpServer();
  });
  after(async () => server.close());

  test("connects, STARTTLS, AUTH, QUIT; reports the server's answer; sends nothing", async () => {
    const result = await testSmtpConnection(settingsFor(server.host, server.port), {
      tls: { ca: server.cert },
    });
    assert.equal(result.ok, true);
    assert.match(result.message, /^235 /);
    assert.equal(result.tls, true);
    assert.equal(server.stats.mailFrom, 0);
    assert.equal(server.messages.length, 0);
  });

  test("wrong password: the 535 answer, never the password", async () => {
    const result = await testSmtpConnection(
      settingsFor(server.host, server.port, { SMTPPassword: "canary-pw-123" }),
      { tls: { ca: server.cert } },
    );
    assert.equal(result.ok, false);
    assert.match(result.message, /^SMTP authentication at 127\.0\.0\.1:\d+ failed: 535 /);
    assert.ok(!result.message.includes("canary-pw-123"));
  });

  test("refused and unconfigured", async () => {
    const port = await unusedPort();
    assert.deepEqual(await testSmtpConnection(settingsFor("127.0.0.1", port)), {
      ok: false,
      message: `connection refused by 127.0.0.1:${port}`,
      host: "127.0.0.1",
      port,
    });
    assert.deepEqual(await testSmtpConnection(settingsFor("", 25)), {
      ok: false,
      message: "The SMTP server name is not set.",
    });
  });
});

test("smtpEndpoint: A9, A10 and Custom; TLS required except Custom with allowPlain", () => {
  const base = settingsFor("relay.example.com", 2525, { SMTPServerTimeout: 1800 });
  assert.deepEqual(smtpEndpoint({ ...base, CustomerType: "A9" }, { allowPlain: true }), {
    host: "mailarchivespool1.globalrelay.com",
    port: 25,
    requireTls: true,
    servername: "mailarchivespool1.globalrelay.com",
    timeoutMs: 1_800_000,
  });
  assert.deepEqual(smtpEndpoint({ ...base, CustomerType: "A10" }), {
    host: "feeds.globalrelay.com",
    port: 25,
    requireTls: true,
    servername: "feeds.globalrelay.com",
    timeoutMs: 1_800_000,
  });
  assert.deepEqual(smtpEndpoint(base), {
    host: "relay.example.com",
    port: 2525,
    requireTls: true,
    servername: "relay.example.com",
    timeoutMs: 1_800_000,
  });
  assert.equal(smtpEndpoint(base, { allowPlain: true }).requireTls, false);
  assert.deepEqual(
    smtpEndpoint({
      ...base,
      CustomSMTPServerName: "[::1]",
      CustomSMTPPort: "25",
      SMTPServerTimeout: 0,
    }),
    {
      host: "::1",
      port: 25,
      requireTls: true,
      servername: undefined,
      timeoutMs: 1_800_000,
    },
  );
  assert.throws(() => smtpEndpoint({ ...base, CustomSMTPPort: "25 " }), /not a port number/);
});
