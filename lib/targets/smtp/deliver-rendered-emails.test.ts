// End to end: a batch rendered by renderGlobalRelayEmails and delivered to the loopback SMTP
// server; the captured messages are parsed with mailparser (RELIABILITY.md check 35: header
// injection and shape, RCPT TO only the archive, no line over 998 octets, escaped HTML).

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { simpleParser } from "mailparser";
import { attachmentStore, batchOf, mmChannel } from "../../export/formats/testing/fixtures.ts";
import { renderGlobalRelayEmails } from "../../export/formats/globalrelay/render-global-relay-emails.ts";
import { useTestDatabase, type TestDatabase } from "../../testing/test-db.ts";
import { startTestSmtpServer } from "../../testing/smtp/test-smtp-server.ts";
import { deliverGlobalRelayBatch } from "./deliver-global-relay-batch.ts";

let t: TestDatabase;
before(async () => {
  t = await useTestDatabase();
});
after(async () => t.cleanup());

test("rendered emails delivered: no Bcc, literal subject, only the archive as recipient, lines <= 998, escaped HTML, attachments intact", async () => {
  const server = await startTestSmtpServer();
  try {
    const start = 1_700_000_000_000;
    const evil = "x\r\nBcc: evil@example.com";
    const batch = batchOf({
      batchStart: start,
      batchEnd: start + 60_000,
      jobStartTime: start,
      batchNumber: 3,
      channels: [
        mmChannel({ Id: "ch-evil", Name: "evil", DisplayName: evil, Type: "P", TeamId: "t" }),
        mmChannel({
          Id: "ch-intl",
          Name: "intl",
          DisplayName: "Équipe 🎉 שלום \u202Eevil",
          Type: "O",
          TeamId: "t",
        }),
      ],
      posts: [
        {
          PostId: "p1",
          PostCreateAt: start + 1000,
          PostUpdateAt: start + 1000,
          PostMessage: "<script>alert(1)</script>",
          PostProps: "{}",
          ChannelId: "ch-evil",
          ChannelType: "P",
          UserId: "u1",
          UserEmail: "alice@example.com",
          Username: "alice",
          PostFileIds: ["f1"],
        },
        {
          PostId: "p2",
          PostCreateAt: start + 2000,
          PostUpdateAt: start + 2000,
          PostMessage: "x".repeat(5000),
          PostProps: "{}",
          ChannelId: "ch-intl",
          ChannelType: "O",
          UserId: "u2",
          UserEmail: "bob@example.com",
          Username: "bob",
        },
      ],
      files: {
        p1: [
          { Id: "f1", Name: "résumé 📎.txt", Path: "store/f1", CreateAt: start + 1000, Size: 11 },
        ],
      },
    });
    const emails = renderGlobalRelayEmails({
      batch,
      scope: "job-e2e",
      openAttachment: attachmentStore({ "store/f1": Buffer.from("hello bytes") }),
      log: { error() {}, warn() {} },
    });
    const result = await deliverGlobalRelayBatch({
      jobId: "job-e2e",
      batchNumber: 3,
      emails,
      settings: {
        CustomerType: "CUSTOM",
        SMTPUsername: server.user,
        SMTPPassword: server.password,
        EmailAddress: "archive@globalrelay.example",
        CustomSMTPServerName: server.host,
        CustomSMTPPort: server.port,
        SMTPServerTimeout: 5,
      },
      tls: { ca: server.cert },
    });
    assert.equal(result.sent, 2);
    assert.equal(server.messages.length, 2);

    const [first, second] = server.messages;
    for (const m of server.messages) {
      assert.deepEqual(m.rcptTo, ["archive@globalrelay.example"]);
      for (const line of m.raw.toString("latin1").split("\r\n"))
        assert.ok(line.length <= 998, "line length");
    }
    assert.equal(first!.mailFrom, "alice@example.com");
    const evilMail = await simpleParser(first!.raw);
    assert.equal(evilMail.headers.has("bcc"), false);
    assert.equal(evilMail.subject, "Mattermost Compliance Export: " + evil);
    assert.ok(
      String(evilMail.html).includes(
        '<span class="message">&lt;script&gt;alert(1)&lt;/script&gt;</span>',
      ),
    );
    assert.ok(!String(evilMail.html).includes("<script>"));
    assert.deepEqual(
      evilMail.attachments.map((a) => [a.filename, a.content.toString()]),
      [["résumé 📎.txt", "hello bytes"]],
    );
    assert.equal(evilMail.messageId, first!.messageId);

    const intl = await simpleParser(second!.raw);
    assert.equal(intl.subject, "Mattermost Compliance Export: Équipe 🎉 שלום \u202Eevil");
    assert.equal(second!.mailFrom, "bob@example.com");
  } finally {
    await server.close();
  }
});
