import type { SourceItem } from "./apply-record-stream.ts";
import { readLines } from "./read-lines.ts";
import { jsonMayHoldUnstorableText } from "./validate-record.ts";

/** A JSON-lines file of ingest records as a record source; index = 1-based line number; blank lines are skipped. */
export async function* readRecordLines(file: string): AsyncGenerator<SourceItem> {
  for await (const line of readLines(file)) {
    if ("problem" in line) {
      yield { index: line.lineNumber, problem: { field: "line", message: line.problem } };
      continue;
    }
    if (line.text.trim() === "") continue;
    try {
      yield {
        index: line.lineNumber,
        value: JSON.parse(line.text) as unknown,
        textScanned: !jsonMayHoldUnstorableText(line.text),
      };
    } catch (error) {
      yield {
        index: line.lineNumber,
        problem: { field: "json", message: `is not valid JSON: ${(error as Error).message}` },
      };
    }
  }
}
