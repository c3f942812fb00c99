// Go encoding/xml pieces used by the Actiance writer: xml.Header and the escaping of
// (*printer).EscapeString, applied by the encoder to both character data and attribute values:
//   "  -> &#34;   '  -> &#39;   &  -> &amp;   <  -> &lt;   >  -> &gt;
//   TAB -> &#x9;  LF -> &#xA;   CR -> &#xD;
//   anything outside the XML Char range (other C0 controls, U+FFFE, U+FFFF, and, in a JS string,
//   a lone surrogate, which Go would see as invalid UTF-8) -> U+FFFD.

export const XML_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n';

const REPLACEMENT = "\uFFFD";

export function escapeGoXml(s: string): string {
  let out = "";
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | null = null;
    switch (c) {
      case 0x22:
        esc = "&#34;";
        break;
      case 0x27:
        esc = "&#39;";
        break;
      case 0x26:
        esc = "&amp;";
        break;
      case 0x3c:
        esc = "&lt;";
        break;
      case 0x3e:
        esc = "&gt;";
        break;
      case 0x09:
        esc = "&#x9;";
        break;
      case 0x0a:
        esc = "&#xA;";
        break;
      case 0x0d:
        esc = "&#xD;";
        break;
      default:
        if (c < 0x20 || c === 0xfffe || c === 0xffff) esc = REPLACEMENT;
        else if (c >= 0xd800 && c <= 0xdbff) {
          const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
          if (next >= 0xdc00 && next <= 0xdfff) {
            i++; // a valid pair: U+10000..U+10FFFF are XML Chars
            continue;
          }
          esc = REPLACEMENT;
        } else if (c >= 0xdc00 && c <= 0xdfff) esc = REPLACEMENT;
    }
    if (esc !== null) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return start === 0 ? s : out + s.slice(start);
}
