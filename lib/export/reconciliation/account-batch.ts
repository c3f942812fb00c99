import { createHash } from "node:crypto";
import { Transform } from "node:stream";
import { MISSING_FILE_ON_COPY, MISSING_FILE_ON_OPEN } from "../formats/attachments.ts";
import type {
  BatchInput,
  BatchResult,
  ExportFileInfo,
  ExportPost,
  FormatWriter,
  OpenAttachment,
  ZipSink,
} from "../model.ts";
import {
  entriesForPost,
  isDeletedMessage,
  isEditedOriginalMessage,
} from "../prepare/post-entries.ts";
import { emptyTally, type Tally } from "./tally.ts";

export const WARNING_FILE = "warning.txt";

/** An attachment as it went out: its hash as exported (plaintext) for the manifest. */
export type ExportedAttachment = { postId: string; fileId: string; sha256: string };

export type AccountedBatch = {
  result: BatchResult;
  /** This batch's counts (emails and exported posts are added by the caller, who knows the delivery). */
  tally: Tally;
  attachments: ExportedAttachment[];
};

/**
 * Runs a format writer for one batch and counts what it did, without changing a byte of what it
 * writes in the normal flow: the selected rows by type and the entries by UpdatedType (prepared as
 * the writers prepare them), attachments copied / missing, and — unless the attachments go out as
 * ciphertext — each copied attachment's SHA-256 compared with the one stored at ingest. Extra
 * warning lines (hash mismatches, quarantined posts) join the writer's warning.txt where the writer
 * puts it, or become one: before metadata.json (CSV) or at the end. Emails have no warning.txt.
 */
export async function accountBatch(options: {
  writer: FormatWriter;
  batch: BatchInput;
  zip: ZipSink;
  openAttachment: OpenAttachment;
  checkHashes: boolean;
  /** Lines the batch's warning.txt must hold besides the writer's (quarantined posts). */
  extraWarnings: string[];
  emails: boolean;
}): Promise<AccountedBatch> {
  const { batch } = options;
  const tally = emptyTally();
  for (const post of batch.posts) {
    const files = batch.filesByPost.get(post.id);
    for (const e of entriesForPost(post, files, batch.jobStartTime)) {
      tally.entries[e.updatedType] = (tally.entries[e.updatedType] ?? 0) + 1;
      for (const _ of e.deletedFiles)
        tally.entries.FileDeleted = (tally.entries.FileDeleted ?? 0) + 1;
    }
  }

  const mismatches: string[] = [];
  const attachments: ExportedAttachment[] = [];
  const open: OpenAttachment = async (file) => {
    const source = await options.openAttachment(file);
    if (!options.checkHashes) {
      attachments.push({ postId: file.postId, fileId: file.id, sha256: file.sha256 ?? "" });
      return source;
    }
    return hashing(source, (sha256) => {
      attachments.push({ postId: file.postId, fileId: file.id, sha256 });
      if (file.sha256 && file.sha256 !== sha256) mismatches.push(mismatchLine(file, sha256));
    });
  };

  let warningWritten = false;
  const extra = () => [...mismatches, ...options.extraWarnings];
  const appendTo = (text: string) => {
    const lines = extra();
    if (lines.length === 0) return text;
    // Actiance joins its lines with "\n" and no final newline; the others end each line.
    return text.endsWith("\n") || text === ""
      ? text + lines.map((l) => `${l}\n`).join("")
      : `${text}\n${lines.join("\n")}`;
  };
  const zip: ZipSink = {
    addStream: (name, source) => options.zip.addStream(name, source),
    addEmail: async (name, email) => {
      tally.emails.built++;
      await options.zip.addEmail(name, email);
    },
    addText: async (name, text) => {
      if (name === WARNING_FILE && !options.emails) {
        warningWritten = true;
        return options.zip.addText(name, appendTo(text));
      }
      if (name === "metadata.json" && !warningWritten && !options.emails && extra().length > 0) {
        warningWritten = true;
        await options.zip.addText(WARNING_FILE, appendTo(""));
      }
      return options.zip.addText(name, text);
    },
  };
  const result = await options.writer({ batch, zip, openAttachment: open });
  if (!warningWritten && !options.emails && extra().length > 0)
    await options.zip.addText(WARNING_FILE, appendTo(""));

  tally.attachments.exported = result.files;
  tally.attachments.missing = result.warnings.filter(
    (w) => w.includes(MISSING_FILE_ON_OPEN) || w.includes(MISSING_FILE_ON_COPY),
  ).length;
  tally.attachments.hashMismatched = mismatches.length;
  return { result: { ...result, warnings: [...result.warnings, ...extra()] }, tally, attachments };
}

/** The source rows a page selected, by type (quarantined ones included). */
export function countSelected(
  posts: readonly ExportPost[],
  filesByPost: ReadonlyMap<string, ExportFileInfo[]>,
): Tally["selected"] {
  const selected = { posts: 0, editedOriginals: 0, deleted: 0, fileInfos: 0 };
  for (const post of posts) {
    if (isEditedOriginalMessage(post)) selected.editedOriginals++;
    else if (isDeletedMessage(post)) selected.deleted++;
    else selected.posts++;
    selected.fileInfos += filesByPost.get(post.id)?.length ?? 0;
  }
  return selected;
}

function mismatchLine(file: ExportFileInfo, sha256: string): string {
  return `Warning:Attachment hash mismatch - Post: ${file.postId} - File: ${file.id} - ${file.path} - sha256 at ingest ${file.sha256}, exported ${sha256}`;
}

/** The same bytes, passed through, hashed; `done` runs before the consumer sees the end. */
function hashing(
  source: NodeJS.ReadableStream,
  done: (sha256: string) => void,
): NodeJS.ReadableStream {
  const hash = createHash("sha256");
  const through = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      done(hash.digest("hex"));
      callback();
    },
  });
  source.on("error", (error) => through.destroy(error));
  return source.pipe(through);
}
