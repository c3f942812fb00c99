import { createReadStream } from "node:fs";

export type Line = { lineNumber: number; text: string } | { lineNumber: number; problem: string };

/** Longest line accepted: a 1 MiB message written with \u escapes plus its props and fields. */
export const MAX_LINE_BYTES = 32 * 1024 * 1024;

/**
 * The lines of a UTF-8 text file (LF or CRLF), streamed: a line is held in memory only up to
 * maxLineBytes; a longer one, or one that is not valid UTF-8, comes back as a problem.
 */
export async function* readLines(
  file: string,
  options: { maxLineBytes?: number } = {},
): AsyncGenerator<Line> {
  const max = options.maxLineBytes ?? MAX_LINE_BYTES;
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let parts: Buffer[] = [];
  let length = 0;
  let tooLong = false;
  let lineNumber = 0;

  const finish = (): Line => {
    lineNumber += 1;
    const bytes = Buffer.concat(parts, length);
    const wasTooLong = tooLong;
    parts = [];
    length = 0;
    tooLong = false;
    if (wasTooLong) return { lineNumber, problem: `is longer than ${max} bytes` };
    try {
      let text = decoder.decode(bytes);
      if (text.endsWith("\r")) text = text.slice(0, -1);
      if (lineNumber === 1 && text.startsWith("\uFEFF")) text = text.slice(1);
      return { lineNumber, text };
    } catch {
      return { lineNumber, problem: "is not valid UTF-8" };
    }
  };

  for await (const chunk of createReadStream(file, {
    highWaterMark: 1 << 20,
  }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(10, start);
      const end = newline === -1 ? chunk.length : newline;
      if (!tooLong) {
        if (length + (end - start) > max) {
          tooLong = true;
          parts = [];
          length = 0;
        } else if (end > start) {
          parts.push(chunk.subarray(start, end));
          length += end - start;
        }
      }
      if (newline === -1) break;
      yield finish();
      start = newline + 1;
    }
  }
  if (length > 0 || tooLong) yield finish();
}
