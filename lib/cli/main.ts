import { pathToFileURL } from "node:url";
import { env } from "../config/env.ts";
import { protectDataFiles } from "../config/private-data.ts";
import { disconnectDb } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { logger } from "../log/logger.ts";
import { CliUsageError } from "../errors/cli-usage-error.ts";
import { COMMANDS } from "./commands/index.ts";
import type { CliIo, Command } from "./define-command.ts";
import { createTerminal, sendLogsToStderr } from "./terminal.ts";

async function help(): Promise<string> {
  const lines = ["Usage: npm run cli -- <command> [options]", "", "Commands:"];
  for (const [name, load] of Object.entries(COMMANDS)) {
    const { command } = await load();
    lines.push(`  ${name.padEnd(18)} ${command.summary}`);
  }
  lines.push(
    "",
    "Run a command with --help for its options. Exit codes: 0 ok, 1 failure or failed check, 2 usage error.",
  );
  return lines.join("\n");
}

const wantsHelp = (args: string[]) => args.includes("--help") || args.includes("-h");

/** Runs one command line; returns the exit code. Results go to stdout, everything else to stderr. */
export async function main(
  argv: string[],
  io: CliIo = { stdout: (t) => void process.stdout.write(t), terminal: createTerminal() },
): Promise<number> {
  const { terminal } = io;
  const out = (text: string) => io.stdout(`${text}\n`);
  try {
    const [name, ...rest] = argv;
    if (!name || name === "--help" || name === "-h" || name === "help") {
      if (name) out(await help());
      else terminal.writeLine(await help());
      return name ? 0 : 2;
    }
    const load = COMMANDS[name];
    if (!load) throw new CliUsageError(`unknown command "${name}"\n\n${await help()}`);
    const { command: entry } = await load();
    let command: Command;
    let args = rest;
    if (entry.kind === "group") {
      const [sub, ...subArgs] = rest;
      if (!sub || sub === "--help" || sub === "-h") {
        if (sub) out(entry.usage);
        else terminal.writeLine(entry.usage);
        return sub ? 0 : 2;
      }
      const found = entry.commands.find((c) => c.name === `${name} ${sub}`);
      if (!found) throw new CliUsageError(`unknown ${name} subcommand "${sub}"\n\n${entry.usage}`);
      command = found;
      args = subArgs;
    } else {
      command = entry;
    }
    if (wantsHelp(args)) {
      out(command.usage);
      return 0;
    }
    // Every entry point makes the data directory private and brings a fresh database up to date first.
    protectDataFiles();
    if (command.migrate) await migrate(env().DATABASE_URL);
    return await command.execute(args, io);
  } catch (error) {
    if (error instanceof CliUsageError) {
      terminal.writeLine(`error: ${error.message}`);
      return error.exitCode;
    }
    logger().debug({ err: error }, "command failed");
    terminal.writeLine(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

const isEntry =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntry) {
  const terminal = createTerminal();
  sendLogsToStderr(terminal);
  const code = await main(process.argv.slice(2), {
    stdout: (t) => void process.stdout.write(t),
    terminal,
  });
  await disconnectDb().catch(() => {});
  process.exitCode = code;
}
