// Go compares strings byte by byte (UTF-8). JavaScript's `<` compares UTF-16 code units, which
// disagrees with UTF-8 byte order only when one side has a surrogate (U+10000 and up) and the other
// a unit in U+E000..U+FFFF. Remapping those two ranges gives code point order = UTF-8 byte order.

function rank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/** strings.Compare for well-formed strings: negative, zero or positive. */
export function compareByteOrder(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}
