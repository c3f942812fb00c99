// Output of Go's json.MarshalIndent(v, "", "  ") for the values metadata.json holds: objects with a
// fixed key order (a Map keeps insertion order even for integer-like keys, unlike a plain object),
// strings, integers, booleans and null. No trailing newline.
//
// Strings follow Go's encoder (escapeHTML on, Go >= 1.22): `"` and `\` backslash-escaped; \b \f \n
// \r \t short forms; other bytes < 0x20 as \u00XX (lower-case hex); `<` `>` `&` as \u003c \u003e
// \u0026; U+2028 / U+2029 as \u2028 / \u2029; invalid UTF-16 (a lone surrogate, which Go would see
// as an invalid byte) as \ufffd. DEL and everything else are written as they are.

export type GoJsonValue =
  null | string | number | boolean | readonly GoJsonValue[] | ReadonlyMap<string, GoJsonValue>;

const HEX = "0123456789abcdef";

export function encodeGoJsonString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | null = null;
    if (c < 0x20) {
      switch (c) {
        case 0x08:
          esc = "\\b";
          break;
        case 0x0c:
          esc = "\\f";
          break;
        case 0x0a:
          esc = "\\n";
          break;
        case 0x0d:
          esc = "\\r";
          break;
        case 0x09:
          esc = "\\t";
          break;
        default:
          esc = "\\u00" + HEX[c >> 4] + HEX[c & 0xf];
      }
    } else if (c === 0x22) esc = '\\"';
    else if (c === 0x5c) esc = "\\\\";
    else if (c === 0x3c) esc = "\\u003c";
    else if (c === 0x3e) esc = "\\u003e";
    else if (c === 0x26) esc = "\\u0026";
    else if (c === 0x2028) esc = "\\u2028";
    else if (c === 0x2029) esc = "\\u2029";
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++; // a valid pair, written as is
        continue;
      }
      esc = "\\ufffd";
    } else if (c >= 0xdc00 && c <= 0xdfff) esc = "\\ufffd";
    if (esc !== null) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

function encodeNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`json: unsupported value: ${n}`);
  return Number.isInteger(n) ? BigInt(n).toString() : String(n);
}

function encode(value: GoJsonValue, indent: string): string {
  if (value === null) return "null";
  if (typeof value === "string") return encodeGoJsonString(value);
  if (typeof value === "number") return encodeNumber(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  const inner = indent + "  ";
  if (value instanceof Map) {
    if (value.size === 0) return "{}";
    const parts: string[] = [];
    for (const [k, v] of value) parts.push(inner + encodeGoJsonString(k) + ": " + encode(v, inner));
    return "{\n" + parts.join(",\n") + "\n" + indent + "}";
  }
  const list = value as readonly GoJsonValue[];
  if (list.length === 0) return "[]";
  return "[\n" + list.map((v) => inner + encode(v, inner)).join(",\n") + "\n" + indent + "]";
}

export function goMarshalIndent(value: GoJsonValue): string {
  return encode(value, "");
}
