import { env } from "../../config/env.ts";
import { migrate } from "../../db/migrate.ts";
import { redactDatabaseUrl } from "../../db/database-url.ts";
import type { CliCommand } from "../cli-error.ts";

export const command: CliCommand = {
  summary: "Apply pending database migrations (every command also does this first)",
  usage: "Usage: npm run cli -- migrate",
  async run() {
    const result = await migrate(env().DATABASE_URL);
    console.log(`${redactDatabaseUrl(env().DATABASE_URL)}: ${result.applied.length} applied, ${result.alreadyApplied} already applied`);
    return 0;
  },
};
