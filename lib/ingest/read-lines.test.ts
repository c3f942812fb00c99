import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { readLines } from "./read-lines.ts";
import { readRecordLines } from "./read-record-lines.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "custodian-lines-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: Buffer | string): string {
  const p = path.join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

test("lines: LF and CRLF, a BOM on line 1, no newline at the end", async () => {
  const lines = await collect(readLines(file("a.txt", "\uFEFFone\r\ntwo\n\nthree")));
  assert.deepEqual(lines, [
    { lineNumber: 1, text: "one" },
    { lineNumber: 2, text: "two" },
    { lineNumber: 3, text: "" },
    { lineNumber: 4, text: "three" },
  ]);
});

test("lines: invalid UTF-8 and over-long lines are problems, and the lines after them still come", async () => {
  const bytes = Buffer.concat([
    Buffer.from("ok\n"),
    Buffer.from([0xc3, 0x28, 0x0a]),
    Buffer.from("x".repeat(50) + "\nlast\n"),
  ]);
  const lines = await collect(readLines(file("b.txt", bytes), { maxLineBytes: 20 }));
  assert.deepEqual(lines, [
    { lineNumber: 1, text: "ok" },
    { lineNumber: 2, problem: "is not valid UTF-8" },
    { lineNumber: 3, problem: "is longer than 20 bytes" },
    { lineNumber: 4, text: "last" },
  ]);
});

test("lines: a line split across read chunks is whole", async () => {
  const long = "é".repeat(1_500_000); // 3 MB, more than one 1 MiB read
  const lines = await collect(readLines(file("c.txt", `${long}\nend\n`)));
  assert.equal(lines.length, 2);
  assert.equal((lines[0] as { text: string }).text, long);
});

test("record lines: blank lines skipped, JSON errors named with their line number", async () => {
  const items = await collect(
    readRecordLines(file("d.jsonl", '{"type":"team"}\n\n   \n[1,\n{"a":1}\n{"a":"\\u0000"}\n')),
  );
  assert.deepEqual(items[0], { index: 1, value: { type: "team" }, textScanned: true });
  assert.equal(items[1]!.index, 4);
  assert.ok(
    "problem" in items[1]! &&
      items[1].problem.field === "json" &&
      /^is not valid JSON/.test(items[1].problem.message),
  );
  assert.deepEqual(items[2], { index: 5, value: { a: 1 }, textScanned: true });
  // A line whose JSON escapes a NUL (or a surrogate) is looked at record by record.
  assert.deepEqual(items[3], { index: 6, value: { a: "\u0000" }, textScanned: false });
  assert.equal(items.length, 4);
});
