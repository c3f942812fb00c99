// The Go encoders' behaviour, case by case (encoding/csv Writer, encoding/json MarshalIndent,
// encoding/xml EscapeString), as read from the Go standard library sources.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { csvFieldNeedsQuotes, encodeCsvField, encodeCsvRecord, isGoSpace } from "./go-csv.ts";
import { encodeGoJsonString, goMarshalIndent } from "./go-json.ts";
import { escapeGoXml } from "./go-xml.ts";

describe("Go encoding/csv", () => {
  const cases: [string, string][] = [
    ["", ""],
    ["abc", "abc"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['"', '""""'],
    ["line1\nline2", '"line1\nline2"'],
    ["cr\rhere", '"cr\rhere"'],
    ["crlf\r\n", '"crlf\r\n"'],
    ["\\.", '"\\."'],
    ["\\.x", "\\.x"],
    ["x\\.", "x\\."],
    [" leading space", '" leading space"'],
    ["\tleading tab", '"\tleading tab"'],
    ["\u000bvt", '"\u000bvt"'],
    ["\u000cff", '"\u000cff"'],
    ["\u0085nel", '"\u0085nel"'],
    ["\u00a0nbsp", '"\u00a0nbsp"'],
    ["\u1680ogham", '"\u1680ogham"'],
    ["\u2000en quad", '"\u2000en quad"'],
    ["\u200ahair", '"\u200ahair"'],
    ["\u2028ls", '"\u2028ls"'],
    ["\u2029ps", '"\u2029ps"'],
    ["\u202fnnbsp", '"\u202fnnbsp"'],
    ["\u205fmmsp", '"\u205fmmsp"'],
    ["\u3000ideographic", '"\u3000ideographic"'],
    ["\u200bzwsp", "\u200bzwsp"], // not White_Space
    ["\u180emvs", "\u180emvs"], // not White_Space since Unicode 6.3
    ["\ufeffbom", "\ufeffbom"],
    ["trailing space ", "trailing space "],
    ["\ud83d\ude00 emoji", "\ud83d\ude00 emoji"],
    ["\ud83d lone", "\ud83d lone"],
    ["שלום, עולם", '"שלום, עולם"'],
    ["=1+1", "=1+1"], // exported verbatim (no spreadsheet protection by default)
  ];
  for (const [input, expected] of cases) {
    test(JSON.stringify(input), () => assert.equal(encodeCsvField(input), expected));
  }

  test("records end with LF; empty fields stay empty", () => {
    assert.equal(encodeCsvRecord(["a", "", "b c", ""]), "a,,b c,\n");
  });

  test("isGoSpace covers exactly unicode.IsSpace", () => {
    const spaces = [
      0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f,
      0x3000,
    ];
    for (let c = 0x2000; c <= 0x200a; c++) spaces.push(c);
    for (let c = 0; c <= 0x3100; c++)
      assert.equal(isGoSpace(c), spaces.includes(c), c.toString(16));
    assert.equal(csvFieldNeedsQuotes("\u{1F600}"), false);
  });
});

describe("Go encoding/json (MarshalIndent, escapeHTML)", () => {
  const cases: [string, string][] = [
    ["plain", '"plain"'],
    ['q"b\\', '"q\\"b\\\\"'],
    ["<a&b>", '"\\u003ca\\u0026b\\u003e"'],
    ["\b\f\n\r\t", '"\\b\\f\\n\\r\\t"'],
    ["\u0000\u0001\u001f", '"\\u0000\\u0001\\u001f"'],
    ["\u007f", '"\u007f"'],
    ["\u2028\u2029", '"\\u2028\\u2029"'],
    ["é😀", '"é😀"'],
    ["\ud800x", '"\\ufffdx"'],
    ["x\udc00", '"x\\ufffd"'],
    ["/", '"/"'],
  ];
  for (const [input, expected] of cases) {
    test(JSON.stringify(input), () => assert.equal(encodeGoJsonString(input), expected));
  }

  test("indentation, key order, empty containers, null, integer-like keys keep their order", () => {
    const v = new Map<string, unknown>([
      [
        "B",
        new Map([
          ["2", 1],
          ["10", null],
        ]),
      ],
      ["A", new Map()],
      ["L", []],
      ["N", -5],
      ["T", true],
    ]);
    assert.equal(
      goMarshalIndent(v as never),
      '{\n  "B": {\n    "2": 1,\n    "10": null\n  },\n  "A": {},\n  "L": [],\n  "N": -5,\n  "T": true\n}',
    );
  });
});

describe("Go encoding/xml EscapeString", () => {
  test("the escape table", () => {
    assert.equal(escapeGoXml(`"'&<>\t\n\r`), "&#34;&#39;&amp;&lt;&gt;&#x9;&#xA;&#xD;");
  });

  test("every C0 control except TAB, LF, CR becomes U+FFFD", () => {
    for (let c = 0; c < 0x20; c++) {
      const s = String.fromCharCode(c);
      if (c === 0x09 || c === 0x0a || c === 0x0d) continue;
      assert.equal(escapeGoXml(`a${s}b`), "a\uFFFDb", c.toString(16));
    }
  });

  test("U+FFFE, U+FFFF and lone surrogates become U+FFFD; valid pairs and U+FFFD stay", () => {
    assert.equal(escapeGoXml("\uFFFE\uFFFF"), "\uFFFD\uFFFD");
    assert.equal(escapeGoXml("\ud800"), "\uFFFD");
    assert.equal(escapeGoXml("x\udfff"), "x\uFFFD");
    assert.equal(escapeGoXml("\udfff\ud800"), "\uFFFD\uFFFD");
    assert.equal(escapeGoXml("\ud83d\ude00\uFFFD"), "\ud83d\ude00\uFFFD");
  });

  test("DEL, C1 controls and ]]> are legal characters (only > is escaped)", () => {
    assert.equal(escapeGoXml("\u007f\u0085]]>"), "\u007f\u0085]]&gt;");
  });
});
