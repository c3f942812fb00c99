// One Global Relay email as a stream. nodemailer's MailComposer builds the MIME tree (the
// multipart/alternative text + HTML parts, one base64 part per attachment, streamed from the file
// store when the part is reached); Custodian writes the top-level header block itself, because
// Mattermost's archives expect its exact headers: its own order, RFC 2047 "B" words for the
// channel values and an unspaced To list (EXPORT-FORMATS.md §6.7).

import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import MailComposer from "nodemailer/lib/mail-composer";
import type { ExportFileInfo, OpenAttachment } from "../../model.ts";
import { goPathBase, MISSING_FILE_ON_OPEN } from "../attachments.ts";
import { addressListHeader, simpleHeader, unstructuredHeader } from "./headers.ts";

export type EmlHeaders = {
  from: string;
  to: readonly string[];
  subject: string;
  channelDisplayName: string;
  channelId: string;
  channelType: string;
  /** RFC 1123Z. */
  date: string;
  /** With angle brackets. */
  messageId: string;
};

/** The header block, in the order EXPORT-FORMATS.md §6.7 lists (Custodian's decision), then Message-ID. */
export function headerLines(h: EmlHeaders): string[] {
  return [
    ...simpleHeader("MIME-Version", "1.0"),
    ...simpleHeader("From", h.from),
    ...addressListHeader("To", h.to),
    ...unstructuredHeader("Subject", h.subject),
    ...simpleHeader("Content-Transfer-Encoding", "8bit"),
    ...simpleHeader("Auto-Submitted", "auto-generated"),
    ...simpleHeader("Precedence", "bulk"),
    ...simpleHeader("X-GlobalRelay-MsgType", "Mattermost"),
    ...unstructuredHeader("X-Mattermost-ChannelName", h.channelDisplayName),
    ...unstructuredHeader("X-Mattermost-ChannelID", h.channelId),
    ...unstructuredHeader("X-Mattermost-ChannelType", h.channelType),
    ...simpleHeader("Date", h.date),
    ...simpleHeader("Message-ID", h.messageId),
  ];
}

/** Every line break as CRLF: SMTP carries no bare CR or LF, and QP keeps CR and LF literal in text. */
export function crlf(text: string): string {
  return text.replace(/\r\n|\r|\n/g, "\r\n");
}

/** Counters one email's streams report into. */
export type AttachmentTally = {
  warnings: string[];
  /** Files streamed into the email (missing ones not counted). */
  attached: Set<string>;
};

/**
 * An attachment's bytes, opened only when MailComposer reaches its part. A file that cannot be
 * opened becomes an empty part and a warning (Mattermost: "File not found for export"); a read
 * that fails midway fails the email, so an incomplete attachment is never delivered.
 */
class LazyAttachment extends Readable {
  private source: NodeJS.ReadableStream | undefined;
  private started = false;

  constructor(
    private readonly file: ExportFileInfo,
    private readonly openAttachment: OpenAttachment,
    private readonly tally: AttachmentTally,
  ) {
    super();
  }

  override _read(): void {
    if (this.started) {
      this.source?.resume();
      return;
    }
    this.started = true;
    this.openAttachment(this.file).then(
      (source) => {
        if (this.destroyed) {
          (source as Readable).destroy?.();
          return;
        }
        this.source = source;
        source.on("data", (chunk: Buffer | string) => {
          if (!this.push(chunk)) source.pause();
        });
        source.once("end", () => {
          this.tally.attached.add(this.file.id);
          this.push(null);
        });
        source.once("error", (error: Error) => this.destroy(error));
      },
      () => {
        const warning = `Warning:${MISSING_FILE_ON_OPEN} - Post: ${this.file.postId} - ${this.file.path}`;
        if (!this.tally.warnings.includes(warning)) this.tally.warnings.push(warning);
        this.push(null);
      },
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    (this.source as Readable | undefined)?.destroy?.();
    callback(error);
  }
}

const HEADER_END = Buffer.from("\r\n\r\n");

/** The Content-Type field (with its continuation lines) of a header block. */
function contentTypeField(block: string): string {
  const lines = block.split("\r\n");
  const start = lines.findIndex((l) => /^content-type:/i.test(l));
  if (start < 0) throw new Error("the MIME tree has no Content-Type");
  let end = start + 1;
  while (end < lines.length && /^[ \t]/.test(lines[end]!)) end++;
  return lines.slice(start, end).join("\r\n");
}

/** Replaces the root node's header block with `head`, keeping its Content-Type (and boundary). */
async function* withHeaders(body: Readable, head: string[]): AsyncGenerator<Buffer> {
  let pending = Buffer.alloc(0);
  let replaced = false;
  for await (const chunk of body) {
    const data = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : (chunk as Buffer);
    if (replaced) {
      yield data;
      continue;
    }
    pending = Buffer.concat([pending, data]);
    const end = pending.indexOf(HEADER_END);
    if (end < 0) continue;
    const contentType = contentTypeField(pending.subarray(0, end).toString("latin1"));
    yield Buffer.from([...head, contentType].join("\r\n") + "\r\n\r\n", "utf8");
    if (end + HEADER_END.length < pending.length) yield pending.subarray(end + HEADER_END.length);
    replaced = true;
  }
  if (!replaced) throw new Error("the MIME tree ended inside its header block");
}

export type EmlContent = {
  headers: EmlHeaders;
  text: string;
  html: string;
  attachments: readonly ExportFileInfo[];
  openAttachment: OpenAttachment;
  tally: AttachmentTally;
};

/**
 * A fresh stream of the email. Boundaries are derived from the Message-ID, so every call yields
 * the same bytes (a resend after a lost reply must be byte-identical, RFC 1047).
 */
export function emlStream(content: EmlContent): Readable {
  const seed = createHash("sha256").update(content.headers.messageId).digest("hex");
  const composer = new MailComposer({
    baseBoundary: seed.slice(0, 24),
    boundaryPrefix: "--_Custodian",
    messageId: content.headers.messageId,
    text: { content: crlf(content.text), contentTransferEncoding: "quoted-printable" },
    html: { content: crlf(content.html), contentTransferEncoding: "quoted-printable" },
    attachments: content.attachments.map((file) => ({
      // gomail attaches under filepath.Base(FileInfo.Name).
      filename: goPathBase(file.name),
      content: new LazyAttachment(file, content.openAttachment, content.tally),
      contentTransferEncoding: "base64",
    })),
  });
  const body = composer.compile().createReadStream();
  const out = Readable.from(withHeaders(body, headerLines(content.headers)), { objectMode: false });
  out.once("close", () => body.destroy());
  return out;
}
