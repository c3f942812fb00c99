import { spawn } from "node:child_process";
import path from "node:path";
import { mock } from "node:test";
import { main } from "../main.ts";
import type { Terminal } from "../terminal.ts";

export type CliRun = { code: number; stdout: string; stderr: string };

const root = path.resolve(import.meta.dirname, "../../..");

/**
 * Runs `npm run cli -- <argv>` as a child process on the TypeScript sources (node --import tsx),
 * against this process's DATABASE_URL and CUSTODIAN_DATA_DIR (useTestDatabase sets both).
 */
export function runCli(
  argv: string[],
  options: { stdin?: string; env?: Record<string, string | undefined> } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(root, "lib/cli/main.ts"), ...argv],
      {
        cwd: root,
        env: { ...process.env, LOG_LEVEL: "info", ...options.env },
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.stdin ?? "");
  });
}

/**
 * The same in this process (fast; for tests about what a command does rather than how the process
 * behaves). console.log / console.error (used by the file importers) are captured as stdout / stderr.
 */
export async function runCliInProcess(argv: string[]): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const line = (t: string) => (t.endsWith("\n") ? t : `${t}\n`);
  const terminal: Terminal = {
    tty: false,
    writeLine: (t) => void (stderr += line(t)),
    setStatus: () => {},
    keepStatus: () => {},
  };
  const log = mock.method(
    console,
    "log",
    (...args: unknown[]) => void (stdout += line(args.join(" "))),
  );
  const error = mock.method(
    console,
    "error",
    (...args: unknown[]) => void (stderr += line(args.join(" "))),
  );
  try {
    const code = await main(argv, { stdout: (t) => void (stdout += t), terminal });
    return { code, stdout, stderr };
  } finally {
    log.mock.restore();
    error.mock.restore();
  }
}
