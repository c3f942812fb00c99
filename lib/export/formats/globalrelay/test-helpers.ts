// Test helpers: render a batch's Global Relay emails and parse each with mailparser.

import { simpleParser, type ParsedMail } from "mailparser";
import { attachmentStore } from "../testing/fixtures.ts";
import { renderGlobalRelayEmails, type GlobalRelayEmail } from "./render-global-relay-emails.ts";
import type { BatchInput } from "../../model.ts";

export async function readEml(email: GlobalRelayEmail): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of email.stream()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export type RenderedEml = {
  email: GlobalRelayEmail;
  raw: string;
  parsed: ParsedMail;
  text: string;
  html: string;
};

const silent = { error: () => {}, warn: () => {} };

export async function renderAll(
  batch: BatchInput,
  files: Parameters<typeof attachmentStore>[0] = {},
  options: { maxEmailBytes?: number; jobId?: string } = {},
): Promise<RenderedEml[]> {
  const out: RenderedEml[] = [];
  for await (const email of renderGlobalRelayEmails({
    batch,
    scope: options.jobId ?? "job-id",
    openAttachment: attachmentStore(files),
    maxEmailBytes: options.maxEmailBytes,
    log: silent,
  })) {
    const raw = await readEml(email);
    const parsed = await simpleParser(raw);
    const lf = (s: string | false | undefined) => (s || "").replace(/\r\n/g, "\n");
    out.push({
      email,
      raw: raw.toString("utf8"),
      parsed,
      text: lf(parsed.text),
      html: lf(parsed.html),
    });
  }
  return out;
}
