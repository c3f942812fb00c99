// A record encoder matching Go's encoding/csv Writer with its defaults (Comma ',', UseCRLF false):
// a field is quoted iff it is non-empty and contains ',', '"', '\r' or '\n', or is exactly `\.`,
// or its first rune is a Unicode space (unicode.IsSpace). Inside quotes only '"' is doubled; CR and
// LF are written as they are. Records end with "\n".

/** unicode.IsSpace: Latin-1 spaces plus the White_Space property. */
export function isGoSpace(codePoint: number): boolean {
  switch (codePoint) {
    case 0x09: // \t
    case 0x0a: // \n
    case 0x0b: // \v
    case 0x0c: // \f
    case 0x0d: // \r
    case 0x20:
    case 0x85: // NEL
    case 0xa0: // NBSP
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
      return true;
    default:
      return codePoint >= 0x2000 && codePoint <= 0x200a;
  }
}

const SPECIAL = /[,"\r\n]/;

export function csvFieldNeedsQuotes(field: string): boolean {
  if (field === "") return false;
  if (field === "\\.") return true;
  if (SPECIAL.test(field)) return true;
  // A lone surrogate is not a space (Go would see utf8.RuneError there).
  return isGoSpace(field.codePointAt(0)!);
}

export function encodeCsvField(field: string): string {
  if (!csvFieldNeedsQuotes(field)) return field;
  return '"' + field.replaceAll('"', '""') + '"';
}

export function encodeCsvRecord(fields: readonly string[]): string {
  let out = "";
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) out += ",";
    out += encodeCsvField(fields[i]!);
  }
  return out + "\n";
}
