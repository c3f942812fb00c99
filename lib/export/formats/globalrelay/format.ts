// The small formatting rules of Mattermost's Global Relay export (EXPORT-FORMATS.md §6.4):
// RFC 3339 timestamps of whole seconds, durations rounded to the minute and written the way
// hako/durafmt does, html/template text escaping, and Go's %q quoting.

/** TimestampConvert: time.Unix(ms/1000, 0).UTC() in RFC 3339 ("1970-01-01T00:01:40Z"). */
export function timestamp(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** RFC 1123 with a numeric zone (Go's time.RFC1123Z) of the UTC second: "Thu, 01 Jan 1970 00:01:40 +0000". */
export function rfc1123z(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  return new Date(seconds * 1000).toUTCString().replace(/GMT$/, "+0000");
}

const MINUTE = 60_000;

/** time.Duration.Round(time.Minute): to the nearest minute, halves away from zero. */
export function roundToMinute(ms: number): number {
  const sign = ms < 0 ? -1 : 1;
  const abs = Math.abs(ms);
  let minutes = Math.floor(abs / MINUTE);
  if ((abs - minutes * MINUTE) * 2 >= MINUTE) minutes += 1;
  return sign * minutes * MINUTE;
}

function unit(value: number, name: string): string {
  return value === 1 ? `1 ${name}` : `${value} ${name}s`;
}

/**
 * durafmt.Parse(d.Round(time.Minute)).String() for a duration in milliseconds: the non-zero units
 * among years (365 days), weeks, days, hours and minutes, "0 seconds" for zero, "-" in front of a
 * negative duration.
 */
export function duration(ms: number): string {
  const rounded = roundToMinute(ms);
  if (rounded === 0) return "0 seconds";
  const prefix = rounded < 0 ? "-" : "";
  const totalMinutes = Math.abs(rounded) / MINUTE;
  const minutes = totalMinutes % 60;
  const hours = Math.floor(totalMinutes / 60) % 24;
  const totalDays = Math.floor(totalMinutes / (60 * 24));
  const years = Math.floor(totalDays / 365);
  const leftYearDays = totalDays % 365;
  const weeks = Math.floor(leftYearDays / 7);
  const days = leftYearDays % 7;
  const parts: string[] = [];
  if (years > 0) parts.push(unit(years, "year"));
  if (weeks > 0) parts.push(unit(weeks, "week"));
  if (days > 0) parts.push(unit(days, "day"));
  if (hours > 0) parts.push(unit(hours, "hour"));
  if (minutes > 0) parts.push(unit(minutes, "minute"));
  return prefix + parts.join(" ");
}

const HTML_ESCAPES: Record<string, string> = {
  "\0": "\uFFFD",
  '"': "&#34;",
  "&": "&amp;",
  "'": "&#39;",
  "+": "&#43;",
  "<": "&lt;",
  ">": "&gt;",
};

/** Go html/template escaping of a string in HTML text. */
export function escapeHtml(value: string): string {
  return value.replace(/[\0"&'+<>]/g, (c) => HTML_ESCAPES[c]!);
}

/** What an HTML parser reads back from escapeHtml(value): the value, with NUL turned into U+FFFD. */
export function htmlTextOf(value: string): string {
  return value.replace(/\0/g, "\uFFFD");
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go's strconv.Quote (fmt %q): double quotes, backslash escapes, non-printable runes escaped. */
export function goQuote(value: string): string {
  let out = '"';
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === "\\") out += "\\" + ch;
    else if (cp >= 0xd800 && cp <= 0xdfff)
      out += "\uFFFD"; // a lone surrogate reaches Go as U+FFFD
    else if (PRINTABLE.test(ch)) out += ch;
    else if (ch === "\x07") out += "\\a";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\v") out += "\\v";
    else if (cp < 0x80) out += "\\x" + cp.toString(16).padStart(2, "0");
    else if (cp < 0x10000) out += "\\u" + cp.toString(16).padStart(4, "0");
    else out += "\\U" + cp.toString(16).padStart(8, "0");
  }
  return out + '"';
}
