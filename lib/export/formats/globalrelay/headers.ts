// The top-level header block of a Global Relay email (EXPORT-FORMATS.md §6.7): Mattermost's
// RFC 2047 "B" encoding (Go's mime.BEncoding with charset utf-8) and gomail's folding, plus the
// guarantees Custodian adds: no value can start a header of its own, and no line passes 998 octets.

/** RFC 5322's hard limit for a line, without its CRLF. */
export const MAX_LINE_OCTETS = 998;

const MAX_ENCODED_WORD = 75;
const MAX_CONTENT = MAX_ENCODED_WORD - "=?UTF-8?q?".length - "?=".length; // 63
const MAX_BASE64_INPUT = Math.floor(MAX_CONTENT / 4) * 3; // 45 bytes per encoded word

function needsEncoding(value: string): boolean {
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if ((cp < 0x20 || cp > 0x7e) && cp !== 0x09) return true;
  }
  return false;
}

function word(bytes: Buffer): string {
  return "=?utf-8?b?" + bytes.toString("base64") + "?=";
}

/**
 * Go's mime.BEncoding.Encode("utf-8", value): unchanged when every character is printable ASCII or
 * TAB, else encoded words of at most 45 input bytes (never splitting a character) separated by one
 * space. `force` encodes printable ASCII too (used when a value could not be folded otherwise).
 */
export function encodeRfc2047(value: string, force = false): string {
  if (!force && !needsEncoding(value)) return value;
  const all = Buffer.from(value, "utf8");
  if (all.length <= MAX_BASE64_INPUT) return word(all);
  const words: string[] = [];
  let current: Buffer[] = [];
  let currentLength = 0;
  for (const ch of value) {
    const bytes = Buffer.from(ch, "utf8");
    if (currentLength + bytes.length > MAX_BASE64_INPUT) {
      words.push(word(Buffer.concat(current)));
      current = [];
      currentLength = 0;
    }
    current.push(bytes);
    currentLength += bytes.length;
  }
  if (currentLength > 0) words.push(word(Buffer.concat(current)));
  return words.join(" ");
}

/**
 * gomail's writeHeader for one value: the first line may hold 76 - len(name) - 2 octets of value,
 * later lines 75; a long value breaks at the last space before the limit (the space becomes
 * CRLF + space), else at the first space after it, else not at all. Returns the lines without
 * their CRLF.
 */
export function foldHeader(name: string, value: string): string[] {
  // Work on one character per octet so that lengths are octet counts; a space (0x20) never occurs
  // inside a multi-byte UTF-8 sequence, so breaking at spaces keeps characters whole.
  let s = Buffer.from(value, "utf8").toString("latin1");
  let out = name + ": ";
  let charsLeft = 76 - name.length - 2;
  if (charsLeft < 1) {
    out += "\r\n ";
    charsLeft = 75;
  }
  while (s.length > charsLeft) {
    let broke = false;
    for (let i = charsLeft - 1; i >= 0; i--) {
      if (s[i] === " ") {
        out += s.slice(0, i) + "\r\n ";
        s = s.slice(i + 1);
        broke = true;
        break;
      }
    }
    if (!broke) {
      for (let i = 75; i < s.length; i++) {
        if (s[i] === " ") {
          out += s.slice(0, i) + "\r\n ";
          s = s.slice(i + 1);
          broke = true;
          break;
        }
      }
    }
    if (!broke) {
      out += s;
      s = "";
    }
    charsLeft = 75;
  }
  out += s;
  return Buffer.from(out, "latin1").toString("utf8").split("\r\n");
}

function octets(line: string): number {
  return Buffer.byteLength(line, "utf8");
}

function fits(lines: string[]): boolean {
  return lines.every((l) => octets(l) <= MAX_LINE_OCTETS);
}

/**
 * An unstructured header (Subject, X-Mattermost-*): Mattermost's encoding and folding; when that
 * leaves a line over 998 octets (a long run of printable ASCII without spaces), the value is
 * encoded as words anyway, which always fold.
 */
export function unstructuredHeader(name: string, value: string): string[] {
  const lines = foldHeader(name, encodeRfc2047(value));
  return fits(lines) ? lines : foldHeader(name, encodeRfc2047(value, true));
}

/**
 * An address as it may appear in From/To and in MAIL FROM: control characters and spaces are
 * dropped and characters that would change how an address list parses become "_", so an address
 * can never end the header or add a recipient. Mattermost writes it unchanged.
 */
export function headerAddress(email: string): string {
  let a = email.replace(/[\x00-\x20\x7f\u0085\u2028\u2029]/g, "").replace(/[",:;<>()[\]\\]/g, "_");
  while (octets(a) > 254) a = a.slice(0, -1);
  return a;
}

/**
 * The To header: Mattermost's comma-joined list without spaces (never folded by gomail); a list
 * whose line would pass 998 octets is folded after commas instead.
 */
export function addressListHeader(name: string, addresses: readonly string[]): string[] {
  const single = `${name}: ${addresses.join(",")}`;
  if (octets(single) <= MAX_LINE_OCTETS) return [single];
  const lines: string[] = [];
  let line = `${name}:`;
  addresses.forEach((address, i) => {
    const token = address + (i < addresses.length - 1 ? "," : "");
    if (line.length > name.length + 1 && octets(line) + 1 + octets(token) > 76) {
      lines.push(line);
      line = "";
    }
    line += " " + token;
  });
  lines.push(line);
  return lines;
}

/** A header whose value is one token (From, Date, Message-ID, …), unfolded like gomail. */
export function simpleHeader(name: string, value: string): string[] {
  return [`${name}: ${value}`];
}
