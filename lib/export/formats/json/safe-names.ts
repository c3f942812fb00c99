// Folder and file names derived from user-chosen names (channel, team, user, attachment names).
// A zip entry name is read as a path by every unzip tool, so a name must never escape its folder,
// hide itself, break a line in a listing, or be refused by Windows, macOS or Linux.

import { WINDOWS_RESERVED } from "../safe-entry-name.ts";

const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });
const encoder = new TextEncoder();

/** Line breaks, C0/C1 controls (NUL included), DEL, U+2028/U+2029: become spaces. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
/** Bidi embeddings, overrides, isolates and marks: removed, so "gpj.exe" cannot pose as "exe.jpg". */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** Path separators and the characters Windows refuses in names. */
const RESERVED = WINDOWS_RESERVED;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function utf8Length(s: string): number {
  return encoder.encode(s).length;
}

/** Cuts at a grapheme boundary (an emoji sequence is kept whole or dropped) to at most maxBytes of UTF-8. */
export function truncateUtf8(s: string, maxBytes: number, ellipsis = "…"): string {
  if (utf8Length(s) <= maxBytes) return s;
  const budget = maxBytes - utf8Length(ellipsis);
  let out = "";
  let used = 0;
  for (const { segment } of segmenter.segment(s)) {
    const n = utf8Length(segment);
    if (used + n > budget) break;
    out += segment;
    used += n;
  }
  return out.trimEnd().replace(/[. ]+$/, "") + ellipsis;
}

/**
 * One safe path segment's text, or "" when nothing usable is left: NFC, no controls or bidi
 * controls, no `/ \ : * ? " < > |`, no `..`, no leading or trailing dots and spaces, single spaces,
 * at most maxBytes of UTF-8.
 */
export function cleanName(name: string, maxBytes: number): string {
  let s = name.replace(LONE_SURROGATE, "\ufffd").normalize("NFC");
  s = s.replace(CONTROL, " ").replace(BIDI, "").replace(RESERVED, "_");
  s = s.replace(/\s+/gu, " ").replace(/\.{2,}/g, ".");
  s = s.replace(/^[. ]+|[. ]+$/g, "");
  if (s === "") return "";
  return truncateUtf8(s, maxBytes);
}

/** An id as a path segment: cleaned like a name, "_" when nothing is left. */
export function cleanId(id: string): string {
  return cleanName(id, 64) || "_";
}

/** `<name> (<id>)`, or just the id when the name cleans to nothing: `general (ch1)`. */
export function namedSegment(name: string, id: string, maxNameBytes = 120): string {
  const safeName = cleanName(name, maxNameBytes);
  const safeId = cleanId(id);
  return safeName === "" ? safeId : `${safeName} (${safeId})`;
}

/**
 * An attachment's file name, its extension kept when the name is cut: `report….pdf`.
 * "file" when the name cleans to nothing.
 */
export function cleanFileName(name: string, maxBytes = 150): string {
  const full = cleanName(name, Number.MAX_SAFE_INTEGER);
  if (full === "") return "file";
  if (utf8Length(full) <= maxBytes) return full;
  const dot = full.lastIndexOf(".");
  const ext = dot > 0 && full.length - dot <= 16 ? full.slice(dot) : "";
  const stem = truncateUtf8(full.slice(0, full.length - ext.length), maxBytes - utf8Length(ext));
  return stem + ext;
}

/**
 * Keeps the paths handed out in one zip unique, ignoring case (macOS and Windows folders are
 * case-insensitive): a repeat gets " 2", " 3", … at the end, or before the extension of a file.
 */
export class UniqueNames {
  private readonly used = new Set<string>();

  take(path: string, options: { file?: boolean } = {}): string {
    let split = path.length;
    if (options.file) {
      const dot = path.lastIndexOf(".");
      if (dot > path.lastIndexOf("/") + 1 && /^\.[^ ]{1,15}$/.test(path.slice(dot))) split = dot;
    }
    let candidate = path;
    for (let n = 2; this.used.has(candidate.toLowerCase()); n++) {
      candidate = `${path.slice(0, split)} ${n}${path.slice(split)}`;
    }
    this.used.add(candidate.toLowerCase());
    return candidate;
  }
}
