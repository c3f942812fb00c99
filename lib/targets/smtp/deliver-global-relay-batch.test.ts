// SMTP delivery against a real SMTP server on loopback (lib/testing/smtp), with the faults of
// RELIABILITY.md checks 13-17: for each, what was delivered, the ledger states, and that after a
// retry or resume every email arrived exactly once (counted by Message-ID in the server capture).

import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { after, before, beforeEach, describe, test } from "node:test";
import { db } from "../../db/client.ts";
import { useTestDatabase, type TestDatabase } from "../../testing/test-db.ts";
import {
  dataFaults,
  startTestSmtpServer,
  unusedPort,
  type TestSmtpServer,
} from "../../testing/smtp/test-smtp-server.ts";
import {
  deliverGlobalRelayBatch,
  SmtpDeliveryError,
  type DeliverableEmail,
  type DeliverGlobalRelayBatchOptions,
} from "./deliver-global-relay-batch.ts";
import type { GlobalRelaySmtpSettings } from "./smtp-endpoint.ts";

let t: TestDatabase;
let jobCounter = 0;
let jobId = "";

before(async () => {
  t = await useTestDatabase();
});
after(async () => t.cleanup());
beforeEach(() => {
  jobCounter++;
  jobId = `job-${jobCounter}`;
});

const ARCHIVE = "archive@globalrelay.example";

function settingsFor(
  server: { host: string; port: number; user?: string; password?: string },
  over: Partial<GlobalRelaySmtpSettings> = {},
): GlobalRelaySmtpSettings {
  return {
    CustomerType: "CUSTOM",
    SMTPUsername: server.user ?? "custodian-test",
    SMTPPassword: server.password ?? "s3cret-smtp-password",
    EmailAddress: ARCHIVE,
    CustomSMTPServerName: server.host,
    CustomSMTPPort: server.port,
    // Generous, so a slow machine never turns a handshake into a timeout; timeout tests set their own.
    SMTPServerTimeout: 5,
    ...over,
  };
}

function emails(n: number, prefix = jobId): DeliverableEmail[] {
  return Array.from({ length: n }, (_, i) => {
    const messageId = `<${prefix}-${i + 1}@custodian>`;
    const raw =
      `From: user${i + 1}@example.com\r\nTo: user${i + 1}@example.com\r\nSubject: test ${i + 1}\r\n` +
      `Message-ID: ${messageId}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nmessage ${i + 1}\r\n.leading dot\r\n`;
    return {
      messageId,
      channelId: `channel-${i + 1}`,
      part: 0,
      from: `user${i + 1}@example.com`,
      stream: () => Readable.from([Buffer.from(raw)]),
      warnings: [],
    };
  });
}

function deliver(
  server: { host: string; port: number; cert?: string },
  list: DeliverableEmail[],
  over: Partial<DeliverGlobalRelayBatchOptions> = {},
) {
  return deliverGlobalRelayBatch({
    jobId,
    batchNumber: 1,
    emails: list,
    settings: settingsFor(server),
    tls: server.cert ? { ca: server.cert } : undefined,
    retry: { attempts: 3, baseDelayMs: 5 },
    ...over,
  });
}

async function ledger(): Promise<
  Map<string, { status: string; attempts: number; lastError: string }>
> {
  const rows = await db().deliveryLedger.findMany({ where: { jobId } });
  return new Map(
    rows.map((r) => [
      r.messageId,
      { status: r.status, attempts: r.attempts, lastError: r.lastError },
    ]),
  );
}

function assertExactlyOnce(server: TestSmtpServer, list: DeliverableEmail[]): void {
  const counts = server.deliveredCount();
  for (const e of list) assert.equal(counts.get(e.messageId), 1, `${e.messageId} delivered once`);
}

describe("deliverGlobalRelayBatch", () => {
  let server: TestSmtpServer;
  beforeEach(async () => {
    server = await startTestSmtpServer();
  });
  test("happy path: STARTTLS, AUTH, MAIL FROM = the email's From, RCPT TO = only the archive, ledger sent", async (c) => {
    c.after(() => server.close());
    const list = emails(3);
    const result = await deliver(server, list);
    assert.deepEqual(result, {
      sent: 3,
      skipped: 0,
      failed: 0,
      ambiguous: 0,
      deliveredPosts: 0,
      refused: [],
      connections: 1,
      warnings: [],
    });
    assert.equal(server.stats.startTls, 1);
    assert.equal(server.stats.authAttempts, 1);
    for (const [i, m] of server.messages.entries()) {
      assert.equal(m.mailFrom, `user${i + 1}@example.com`);
      assert.deepEqual(m.rcptTo, [ARCHIVE]);
      assert.ok(
        m.raw.toString().includes("\r\n.leading dot\r\n"),
        "dot-stuffing undone by the server",
      );
    }
    assertExactlyOnce(server, list);
    const rows = await ledger();
    for (const e of list) assert.equal(rows.get(e.messageId)?.status, "sent");

    // Resume: everything already sent is skipped, nothing goes out again.
    const again = await deliver(server, list);
    assert.equal(again.sent, 0);
    assert.equal(again.skipped, 3);
    assert.equal(server.messages.length, 3);
  });

  test("401 emails use 2 connections (400 per connection)", async (c) => {
    c.after(() => server.close());
    const list = emails(401);
    const result = await deliver(server, list);
    assert.equal(result.sent, 401);
    assert.equal(result.connections, 2);
    assert.equal(server.stats.connections, 2);
    assert.equal(
      new Set(server.messages.filter((m) => m.connection === 1).map((m) => m.messageId)).size,
      400,
    );
    assertExactlyOnce(server, list);
  });

  test("451 to message 3 of 10: retried with backoff, messages 1-2 not resent, each once", async (c) => {
    c.after(() => server.close());
    server.faults.onData = dataFaults.replyAt([3], 451);
    const list = emails(10);
    const sleeps: number[] = [];
    const result = await deliver(server, list, {
      retry: { attempts: 3, baseDelayMs: 7, sleep: async (ms) => void sleeps.push(ms) },
    });
    assert.equal(result.sent, 10);
    assert.deepEqual(sleeps, [7]);
    assert.equal(server.messages.length, 11, "one extra DATA: the retry of message 3");
    assert.equal(server.messages[2]!.outcome, "rejected");
    assertExactlyOnce(server, list);
    const rows = await ledger();
    assert.equal(rows.get(list[2]!.messageId)?.attempts, 2);
    assert.equal(rows.get(list[0]!.messageId)?.attempts, 1);
    assert.equal(rows.get(list[1]!.messageId)?.attempts, 1);
  });

  for (const code of [550, 552]) {
    test(`${code} on one message: that one failed, the others delivered; a retry delivers it once`, async (c) => {
      c.after(() => server.close());
      const list = emails(5);
      server.faults.onData = dataFaults.replyToMessage(
        list[1]!.messageId,
        code,
        code === 552 ? "5.3.4 Message too big" : "5.7.1 Rejected by policy",
      );
      const result = await deliver(server, list);
      assert.equal(result.sent, 4);
      assert.equal(result.failed, 1);
      assert.equal(result.warnings.length, 1);
      assert.match(result.warnings[0]!, new RegExp(`${code}`));
      const rows = await ledger();
      assert.equal(rows.get(list[1]!.messageId)?.status, "failed");
      assert.match(rows.get(list[1]!.messageId)!.lastError, new RegExp(`${code}`));
      assert.equal([...rows.values()].filter((r) => r.status === "sent").length, 4);
      assert.equal(server.stats.connections, 1, "a rejected message does not cost the session");

      server.faults.onData = undefined;
      const retry = await deliver(server, list);
      assert.deepEqual([retry.sent, retry.skipped, retry.failed], [1, 4, 0]);
      assertExactlyOnce(server, list);
    });
  }

  test("connection dropped after 2 messages: reconnect, continue, each once", async (c) => {
    c.after(() => server.close());
    server.faults.dropAfterMessages = 2;
    const list = emails(5);
    const result = await deliver(server, list);
    assert.equal(result.sent, 5);
    assert.equal(result.ambiguous, 0, "dropped before the message was sent: not ambiguous");
    assert.equal(server.stats.connections, 2);
    assertExactlyOnce(server, list);
    const rows = await ledger();
    assert.ok([...rows.values()].every((r) => r.status === "sent"));
    assert.equal(rows.get(list[2]!.messageId)?.attempts, 2);
  });

  test("reply lost after DATA (RFC 1047): only message 5 resent, same Message-ID and bytes, reported", async (c) => {
    c.after(() => server.close());
    server.faults.onData = dataFaults.dropAt(5);
    const list = emails(10);
    const result = await deliver(server, list);
    assert.equal(result.sent, 10);
    assert.equal(result.ambiguous, 1);
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0]!, /^1 message may be duplicated: /);
    const counts = server.deliveredCount();
    assert.equal(counts.get(list[4]!.messageId), 2);
    for (const [i, e] of list.entries()) if (i !== 4) assert.equal(counts.get(e.messageId), 1);
    const copies = server.delivered().filter((m) => m.messageId === list[4]!.messageId);
    assert.ok(copies[0]!.raw.equals(copies[1]!.raw), "byte-identical resend");
    const rows = await ledger();
    assert.equal(rows.get(list[4]!.messageId)?.status, "sent");
    assert.equal(rows.get(list[4]!.messageId)?.attempts, 2);
  });

  test("250 delayed past the timeout: aborts in time, no row marked sent; a later retry delivers each once", async (c) => {
    c.after(() => server.close());
    server.faults.onData = dataFaults.delayAt("all", 1500);
    const list = emails(2);
    const started = Date.now();
    await assert.rejects(
      deliver(server, list, { settings: settingsFor(server, { SMTPServerTimeout: 0.5 }) }),
      (err: Error) => {
        assert.ok(err instanceof SmtpDeliveryError);
        assert.equal(err.permanent, false);
        assert.match(err.message, /timeout waiting for 127\.0\.0\.1:\d+ to confirm the message/);
        return true;
      },
    );
    assert.ok(Date.now() - started < 3000, "bounded by the 0.5 s timeout (one resend)");
    const rows = await ledger();
    assert.equal(rows.get(list[0]!.messageId)?.status, "ambiguous");
    assert.ok(![...rows.values()].some((r) => r.status === "sent"));

    server.faults.onData = undefined;
    await new Promise((r) => setTimeout(r, 1600)); // let the stalled replies fire (the client is gone)
    const retry = await deliver(server, list);
    assert.equal(retry.sent, 2);
    assert.equal(retry.ambiguous, 1, "the earlier lost reply is reported as a possible duplicate");
    assertExactlyOnce(server, list);
  });

  test("wrong password: 535 fails at once (one AUTH), no password in the error, nothing sent; fixed password delivers once", async (c) => {
    c.after(() => server.close());
    const list = emails(3);
    const wrong = "canary-Wr0ng-pass";
    await assert.rejects(
      deliver(server, list, { settings: settingsFor(server, { SMTPPassword: wrong }) }),
      (err: Error) => {
        assert.ok(err instanceof SmtpDeliveryError);
        assert.equal(err.permanent, true);
        assert.match(err.message, /535/);
        assert.ok(!err.message.includes(wrong));
        return true;
      },
    );
    assert.equal(server.stats.authAttempts, 1);
    assert.equal(server.stats.mailFrom, 0);
    assert.equal((await ledger()).size, 0);

    const result = await deliver(server, list);
    assert.equal(result.sent, 3);
    assertExactlyOnce(server, list);
  });

  test("server without STARTTLS: no AUTH sent, clear error; allowPlain (Custom only) delivers", async (c) => {
    c.after(() => server.close());
    server.faults.noStartTls = true;
    const list = emails(2);
    await assert.rejects(deliver(server, list), (err: Error) => {
      assert.ok(err instanceof SmtpDeliveryError && err.permanent);
      assert.match(err.message, /STARTTLS with 127\.0\.0\.1:\d+ failed \(TLS is required\)/);
      return true;
    });
    assert.equal(server.stats.authAttempts, 0);
    const plain = await deliver(server, list, { allowPlain: true });
    assert.equal(plain.sent, 2);
    assert.equal(server.stats.startTls, 0);
    assertExactlyOnce(server, list);
  });

  test("untrusted certificate: the certificate is checked, the batch fails permanently", async (c) => {
    c.after(() => server.close());
    await assert.rejects(
      deliver({ host: server.host, port: server.port }, emails(1)),
      (err: Error) => {
        assert.ok(err instanceof SmtpDeliveryError && err.permanent);
        assert.match(
          err.message,
          /^TLS with 127\.0\.0\.1:\d+ failed, the server.s certificate is not trusted/,
        );
        return true;
      },
    );
    assert.equal(server.stats.authAttempts, 0);
  });

  test("the archive address refused (RCPT TO 550): the batch fails permanently, nothing marked failed one by one", async (c) => {
    c.after(() => server.close());
    server.faults.rejectRecipient = "unknown@globalrelay.example";
    const list = emails(3);
    await assert.rejects(
      deliver(server, list, {
        settings: settingsFor(server, { EmailAddress: "unknown@globalrelay.example" }),
      }),
      (err: Error) => {
        assert.ok(err instanceof SmtpDeliveryError && err.permanent);
        assert.match(err.message, /refused the archive address: 550 /);
        return true;
      },
    );
    assert.equal(server.messages.length, 0);
    assert.deepEqual(
      [...(await ledger()).values()].map((r) => r.status),
      ["pending"],
    );
  });

  test("an attachment that fails while being sent: the batch fails, the partial email is not accepted", async (c) => {
    c.after(() => server.close());
    let reads = 0;
    const broken: DeliverableEmail = {
      messageId: `<${jobId}-broken@custodian>`,
      channelId: "c",
      part: 0,
      from: "a@example.com",
      warnings: [],
      stream: () =>
        new Readable({
          read() {
            reads++;
            if (reads === 1)
              this.push(
                Buffer.from(
                  "Message-ID: <x@y>\r\nSubject: partial\r\n\r\n" + "x".repeat(70_000) + "\r\n",
                ),
              );
            else this.destroy(new Error("attachment read failed"));
          },
        }),
    };
    await assert.rejects(deliver(server, [broken, ...emails(1)]), (err: Error) => {
      assert.ok(err instanceof SmtpDeliveryError && !err.permanent);
      assert.match(err.message, /the message could not be read: attachment read failed/);
      return true;
    });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(server.delivered().length, 0);
    assert.equal((await ledger()).get(broken.messageId)?.status, "pending");
  });

  test("server never greets: timeout waiting for greeting, within the timeout per attempt", async (c) => {
    c.after(() => server.close());
    server.faults.neverGreet = true;
    const started = Date.now();
    await assert.rejects(
      deliver(server, emails(1), {
        settings: settingsFor(server, { SMTPServerTimeout: 0.5 }),
        retry: { attempts: 2, baseDelayMs: 5 },
      }),
      (err: Error) => {
        assert.ok(err instanceof SmtpDeliveryError && !err.permanent);
        assert.match(
          err.message,
          /^timeout waiting for greeting from 127\.0\.0\.1:\d+ \(gave up after 2 attempts\)$/,
        );
        return true;
      },
    );
    assert.ok(Date.now() - started < 3000);
    assert.equal(server.stats.connections, 2);
    assert.equal((await ledger()).size, 0);
  });
});

test("connection refused: retried, then a clear error; once the server is up a retry delivers each once", async () => {
  const port = await unusedPort();
  const list = emails(3);
  await assert.rejects(deliver({ host: "127.0.0.1", port }, list), (err: Error) => {
    assert.ok(err instanceof SmtpDeliveryError && !err.permanent);
    assert.equal(err.message, `connection refused by 127.0.0.1:${port} (gave up after 3 attempts)`);
    return true;
  });
  assert.equal((await ledger()).size, 0);
  const server = await startTestSmtpServer({ port });
  try {
    const result = await deliver(server, list);
    assert.equal(result.sent, 3);
    assertExactlyOnce(server, list);
  } finally {
    await server.close();
  }
});
