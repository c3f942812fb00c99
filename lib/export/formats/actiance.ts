// Mattermost-compatible Actiance XML batch (EXPORT-FORMATS.md §2.3, §5; actiance_export.go @b4d51718).
// Zip entries, in order: actiance_export.xml, each attachment under FileInfo.Path verbatim (once per
// zip, only when exporting attachments), warning.txt (only with warnings; lines joined by "\n").

import { Readable } from "node:stream";
import type { BatchResult, FormatWriter } from "../model.ts";
import { compareByteOrder } from "../prepare/byte-order.ts";
import { channelTypeName, prepareBatch } from "../prepare/prepare-batch.ts";
import type { PreparedBatch, PreparedChannel } from "../prepare/types.ts";
import { AttachmentCopier, MISSING_FILE_ON_COPY, MISSING_FILE_ON_OPEN } from "./attachments.ts";
import { escapeGoXml, XML_HEADER } from "./encoding/go-xml.ts";

export const XMLNS_XSI = "http://www.w3.org/2001/XMLSchema-instance";
/** Sort id of file transfers: after any 26-character Mattermost id at the same millisecond. */
export const ENSURE_LAST_IN_SORT = "z".repeat(26);

type Field = readonly [name: string, value: string];

type Element = {
  /** Sort key: (time, id). */
  time: number;
  id: string;
  name: "Message" | "FileTransferStarted" | "FileTransferEnded";
  fields: Field[];
};

function int(n: number): string {
  return Number.isInteger(n) ? BigInt(n).toString() : String(n);
}

function elementsOf(c: PreparedChannel): Element[] {
  const out: Element[] = [];
  for (const e of c.entries) {
    const fields: Field[] = [
      ["MessageId", e.post.id],
      ["LoginName", e.post.userEmail],
      ["UserType", e.userType],
      ["DateTimeUTC", int(e.post.createAt)],
    ];
    if (e.updatedType !== "") fields.push(["UpdatedType", e.updatedType]);
    if (e.updateAt !== 0) fields.push(["UpdatedDateTimeUTC", int(e.updateAt)]);
    if (e.editedNewMsgId !== "") fields.push(["EditedNewMsgId", e.editedNewMsgId]);
    fields.push(["Content", e.message]);
    if (e.previewsPost !== "") fields.push(["PreviewsPost", e.previewsPost]);
    out.push({
      time: e.updatedType !== "" ? e.updateAt : e.post.createAt,
      id: e.post.id,
      name: "Message",
      fields,
    });
  }
  for (const d of c.deletedFiles) {
    const fields: Field[] = [
      ["MessageId", d.post.id],
      ["LoginName", d.post.userEmail],
      ["UserType", d.userType],
      ["DateTimeUTC", int(d.post.createAt)],
      ["UpdatedType", d.updatedType],
    ];
    if (d.updateAt !== 0) fields.push(["UpdatedDateTimeUTC", int(d.updateAt)]);
    fields.push(["Content", d.message]);
    if (d.previewsPost !== "") fields.push(["PreviewsPost", d.previewsPost]);
    out.push({ time: d.updateAt, id: d.post.id, name: "Message", fields });
  }
  for (const u of c.uploads) {
    out.push({
      time: u.post.createAt,
      id: ENSURE_LAST_IN_SORT,
      name: "FileTransferStarted",
      fields: [
        ["LoginName", u.post.userEmail],
        ["DateTimeUTC", int(u.post.createAt)],
        ["UserFileName", u.file.name],
        ["FileName", u.file.path],
      ],
    });
  }
  for (const u of c.uploads) {
    out.push({
      time: u.post.createAt,
      id: ENSURE_LAST_IN_SORT,
      name: "FileTransferEnded",
      fields: [
        ["LoginName", u.post.userEmail],
        ["DateTimeUTC", int(u.post.createAt)],
        ["UserFileName", u.file.name],
        ["FileName", u.file.path],
        ["Status", "Completed"],
      ],
    });
  }
  // Stable: equal keys keep the order above (messages, deleted files, starts, stops).
  out.sort((a, b) => a.time - b.time || compareByteOrder(a.id, b.id));
  return out;
}

// Go's encoder with Indent("", "  "): every start tag on its own line, a childless element on one line.
function leaf(depth: number, name: string, text: string): string {
  return "\n" + "  ".repeat(depth) + "<" + name + ">" + escapeGoXml(text) + "</" + name + ">";
}

function block(depth: number, name: string, fields: readonly Field[]): string {
  const pad = "  ".repeat(depth);
  let s = "\n" + pad + "<" + name + ">";
  for (const [n, v] of fields) s += leaf(depth + 1, n, v);
  return s + "\n" + pad + "</" + name + ">";
}

function participant(
  name: "ParticipantEntered" | "ParticipantLeft",
  email: string,
  userType: string,
  time: number,
): string {
  return block(2, name, [
    ["LoginName", email],
    ["UserType", userType],
    ["DateTimeUTC", int(time)],
    ["CorporateEmailID", email],
  ]);
}

const CHUNK = 64 * 1024;

/** actiance_export.xml, in chunks. */
export async function* actianceXml(prepared: PreparedBatch): AsyncGenerator<Buffer> {
  const open = XML_HEADER + '<FileDump xmlns:xsi="' + escapeGoXml(XMLNS_XSI) + '">';
  if (prepared.channels.length === 0) {
    yield Buffer.from(open + "</FileDump>", "utf8");
    return;
  }
  let buf = open;
  const flush = function* (force: boolean): Generator<Buffer> {
    if (buf.length >= CHUNK || (force && buf !== "")) {
      yield Buffer.from(buf, "utf8");
      buf = "";
    }
  };
  for (const c of prepared.channels) {
    const ch = c.channel;
    buf += '\n  <Conversation Perspective="' + escapeGoXml(ch.displayName) + '">';
    buf += leaf(2, "RoomID", `${channelTypeName(ch.type)} - ${ch.name} - ${ch.id}`);
    buf += leaf(2, "StartTimeUTC", int(c.startTime));
    for (const j of c.joins)
      buf += participant("ParticipantEntered", j.email, j.userType, j.joinTime);
    yield* flush(false);
    for (const el of elementsOf(c)) {
      buf += block(2, el.name, el.fields);
      yield* flush(false);
    }
    for (const l of c.leaves)
      buf += participant("ParticipantLeft", l.email, l.userType, l.leaveTime);
    buf += leaf(2, "EndTimeUTC", int(c.endTime));
    buf += "\n  </Conversation>";
    yield* flush(false);
  }
  buf += "\n</FileDump>";
  yield* flush(true);
}

export const writeActianceBatch: FormatWriter = async ({
  batch,
  zip,
  openAttachment,
}): Promise<BatchResult> => {
  const prepared = prepareBatch(batch);
  await zip.addStream(
    "actiance_export.xml",
    Readable.from(actianceXml(prepared), { objectMode: false }),
  );

  const warnings: string[] = [];
  const copier = new AttachmentCopier(zip, openAttachment);
  if (batch.exportAttachments) {
    // Channel order, then the files of each post entry in generation order, each path once.
    for (const c of prepared.channels) {
      for (const file of c.files) {
        const outcome = await copier.copy(file.path, file);
        if (outcome === "open-failed")
          warnings.push(`Warning:${MISSING_FILE_ON_OPEN} - ${file.path}`);
        else if (outcome === "copy-failed")
          warnings.push(`Warning:${MISSING_FILE_ON_COPY} - ${file.path}`);
      }
    }
  }
  if (warnings.length > 0) await zip.addText("warning.txt", warnings.join("\n"));
  return { messages: prepared.messagesCount, files: copier.copied, warnings };
};
