import { Writable } from "node:stream";
import pino from "pino";
import { useLogDestination } from "../log/logger.ts";

/**
 * The CLI's standard error: log lines, and on a terminal one status line (a progress bar) kept
 * below them. Standard output carries only a command's result, so `cli … | jq` and `$(cli …)` work.
 */
export type Terminal = {
  readonly tty: boolean;
  /** A line above the status line (a log line or a message). */
  writeLine(text: string): void;
  /** Replaces the status line (terminals only); "" removes it. */
  setStatus(text: string): void;
  /** Leaves the status line on screen as a finished line. */
  keepStatus(): void;
};

export function createTerminal(stream: NodeJS.WriteStream = process.stderr): Terminal {
  const tty = stream.isTTY === true;
  let status = "";
  const clear = () => {
    if (status) stream.write("\r\x1b[2K");
  };
  return {
    tty,
    writeLine(text) {
      clear();
      stream.write(text.endsWith("\n") ? text : `${text}\n`);
      if (status) stream.write(status);
    },
    setStatus(text) {
      if (!tty) return;
      clear();
      status = text;
      if (status) stream.write(status);
    },
    keepStatus() {
      if (status) stream.write("\n");
      status = "";
    },
  };
}

const LEVELS: Record<number, string> = {
  10: "TRACE",
  20: "DEBUG",
  30: "INFO",
  40: "WARN",
  50: "ERROR",
  60: "FATAL",
};
const OMIT = new Set(["level", "time", "pid", "hostname", "msg"]);

/** One pino JSON line as a person reads it: `12:00:01 INFO export job finished status=success`. */
export function formatLogLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.trimEnd();
  }
  const time = typeof entry.time === "string" ? entry.time.slice(11, 19) : "";
  const level = LEVELS[Number(entry.level)] ?? String(entry.level);
  const extras = Object.entries(entry)
    .filter(([k]) => !OMIT.has(k))
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
  return [time, level.padEnd(5), entry.msg ?? "", ...extras].filter((p) => p !== "").join(" ");
}

/** Logs to standard error: JSON lines when it is not a terminal, readable lines when it is. */
export function sendLogsToStderr(terminal: Terminal): void {
  if (!terminal.tty) {
    useLogDestination(pino.destination({ fd: 2, sync: true }));
    return;
  }
  const readable = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n"))
        if (line.trim()) terminal.writeLine(formatLogLine(line));
      done();
    },
  });
  useLogDestination(readable);
}
