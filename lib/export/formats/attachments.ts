// Copying attachment bytes into a batch zip. A file that cannot be opened, or whose bytes fail while
// being copied, becomes a warning (EXPORT-FORMATS.md §2.3), never an error; a failure of the zip
// itself still rejects. Custodian writes each entry name once per zip.

import type { ExportFileInfo, OpenAttachment, ZipSink } from "../model.ts";
import { isGoSpace } from "./encoding/go-csv.ts";

/** shared.MissingFileMessageDuringBackendRead */
export const MISSING_FILE_ON_OPEN =
  "File backend read: File missing for post; cannot copy file to archive";
/** shared.MissingFileMessageDuringCopy */
export const MISSING_FILE_ON_COPY =
  "Copy buffer: File missing for post; cannot copy file to archive";

/** Go's path.Base: "" -> ".", only slashes -> "/", trailing slashes ignored. */
export function goPathBase(p: string): string {
  if (p === "") return ".";
  let end = p.length;
  while (end > 0 && p[end - 1] === "/") end--;
  if (end === 0) return "/";
  const trimmed = p.slice(0, end);
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/** Go's path.Clean (lexical: collapses "//", "." and ".." elements; "" -> "."). */
export function goPathClean(p: string): string {
  if (p === "") return ".";
  const rooted = p.startsWith("/");
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
      continue;
    }
    out.push(part);
  }
  const joined = out.join("/");
  if (rooted) return "/" + joined;
  return joined === "" ? "." : joined;
}

/** Go's path.Join: non-empty elements joined by "/", then cleaned; "" when all are empty. */
export function goPathJoin(...elements: string[]): string {
  const parts = elements.filter((e) => e !== "");
  return parts.length === 0 ? "" : goPathClean(parts.join("/"));
}

/** Go's strings.TrimSpace (unicode.IsSpace at both ends). */
export function goTrimSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isGoSpace(s.codePointAt(start)!)) start++;
  while (end > start && isGoSpace(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

export type CopyOutcome = "copied" | "open-failed" | "copy-failed" | "duplicate";

export class AttachmentCopier {
  private readonly seen = new Set<string>();
  copied = 0;

  constructor(
    private readonly zip: ZipSink,
    private readonly openAttachment: OpenAttachment,
  ) {}

  async copy(entryName: string, file: ExportFileInfo): Promise<CopyOutcome> {
    if (this.seen.has(entryName)) return "duplicate";
    this.seen.add(entryName);
    // model.ts: an empty storeKey means the bytes were never received.
    if (file.storeKey === "") return "open-failed";
    let source: NodeJS.ReadableStream;
    try {
      source = await this.openAttachment(file);
    } catch {
      return "open-failed";
    }
    let sourceFailed = false;
    source.on("error", () => {
      sourceFailed = true;
    });
    try {
      await this.zip.addStream(entryName, source);
    } catch (err) {
      if (sourceFailed) return "copy-failed";
      throw err;
    }
    if (sourceFailed) return "copy-failed";
    this.copied++;
    return "copied";
  }
}
