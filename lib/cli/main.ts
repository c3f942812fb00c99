import { env } from "../config/env.ts";
import { disconnectDb } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { CliUsageError, type CliCommand } from "./cli-error.ts";

const COMMANDS: Record<string, () => Promise<{ command: CliCommand }>> = {
  admin: () => import("./commands/admin.ts"),
  config: () => import("./commands/config.ts"),
  ingest: () => import("./commands/ingest.ts"),
  "import-mattermost": () => import("./commands/import-mattermost.ts"),
  seed: () => import("./commands/seed.ts"),
  token: () => import("./commands/token.ts"),
  migrate: () => import("./commands/migrate.ts"),
  export: () => import("./commands/export.ts"),
  jobs: () => import("./commands/jobs.ts"),
  verify: () => import("./commands/verify.ts"),
  "verify-audit": () => import("./commands/verify-audit.ts"),
};

async function help(): Promise<string> {
  const lines = ["Usage: npm run cli -- <command> [options]", "", "Commands:"];
  for (const [name, load] of Object.entries(COMMANDS)) {
    const { command } = await load();
    lines.push(`  ${name.padEnd(18)} ${command.summary}`);
  }
  lines.push("", "Run a command with --help for its options.");
  return lines.join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(await help());
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`Unknown command "${name}".\n\n${await help()}`);
    return 2;
  }
  const { command } = await load();
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(command.usage);
    return 0;
  }
  // Every entry point brings a fresh database up to date first.
  await migrate(env().DATABASE_URL);
  return command.run(rest);
}

const isEntry = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry) {
  main(process.argv.slice(2))
    .then(async (code) => {
      await disconnectDb();
      process.exitCode = code;
    })
    .catch(async (error: unknown) => {
      await disconnectDb().catch(() => {});
      if (error instanceof CliUsageError) {
        console.error(`error: ${error.message}`);
        process.exitCode = error.exitCode;
      } else {
        console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
        process.exitCode = 1;
      }
    });
}
