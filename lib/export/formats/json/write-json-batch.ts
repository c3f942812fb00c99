// The JSON (RingCentral layout) batch writer; docs/formats/json.md describes the output.
// Zip entries, in order: People_And_Groups/users.json, Teams/teams.json, the attachments
// (Files/<postId>/<fileId>-<name>, only when exporting attachments), the day files
// (People_Chats/…, then Team_Chats/…), warning.txt (only with warnings).

import type { BatchResult, FormatWriter } from "../../model.ts";
import { AttachmentCopier, MISSING_FILE_ON_COPY, MISSING_FILE_ON_OPEN } from "../attachments.ts";
import { planJsonExport, TEAMS_PATH, USERS_PATH } from "./plan-json-export.ts";
import { resolveTimeZone } from "./zoned-date.ts";

export type JsonWriterOptions = {
  /** IANA zone whose calendar days name the day files; default "UTC". */
  timeZone?: string;
};

/** Two-space indented, keys in the order the objects were built, newline-terminated. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}

/** A source path on one line: controls shown as \uXXXX escapes. */
function oneLine(s: string): string {
  return s.replace(
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"),
  );
}

/** Throws a RangeError for an unknown time zone, so a bad setting fails before any batch is written. */
export function createJsonWriter(options: JsonWriterOptions = {}): FormatWriter {
  const timeZone = resolveTimeZone(options.timeZone ?? "UTC");
  return async ({ batch, zip, openAttachment }): Promise<BatchResult> => {
    const plan = planJsonExport({ batch, timeZone });
    await zip.addText(USERS_PATH, toJsonText(plan.users));
    await zip.addText(TEAMS_PATH, toJsonText(plan.teams));

    const warnings: string[] = [];
    const copier = new AttachmentCopier(zip, openAttachment);
    for (const copy of plan.copies) {
      const outcome = await copier.copy(copy.path, copy.file);
      if (outcome !== "open-failed" && outcome !== "copy-failed") continue;
      for (const record of copy.records) {
        record.zipPath = null;
        record.missing = true;
      }
      const message = outcome === "open-failed" ? MISSING_FILE_ON_OPEN : MISSING_FILE_ON_COPY;
      warnings.push(
        oneLine(
          `Warning:${message} - Post: ${copy.postId} - File: ${copy.file.id} - ${copy.file.path}`,
        ),
      );
    }

    for (const day of plan.days) await zip.addText(day.path, toJsonText(day.file));
    if (warnings.length > 0)
      await zip.addText("warning.txt", warnings.map((w) => w + "\n").join(""));
    return { messages: plan.messagesCount, files: copier.copied, warnings };
  };
}

/** The JSON writer with days in UTC; the engine should use createJsonWriter({ timeZone }) with the job's zone. */
export const writeJsonBatch: FormatWriter = createJsonWriter();
