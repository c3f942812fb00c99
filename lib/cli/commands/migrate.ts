import { z } from "zod";
import { env } from "../../config/env.ts";
import { redactDatabaseUrl } from "../../config/database-url.ts";
import { migrate } from "../../db/migrate.ts";
import { defineCommand } from "../define-command.ts";

export const command = defineCommand({
  name: "migrate",
  summary: "Apply pending database migrations (every command also does this first)",
  schema: z.object({}),
  migrate: false,
  async run({ out }) {
    const result = await migrate(env().DATABASE_URL);
    out(
      `${redactDatabaseUrl(env().DATABASE_URL)}: ${result.applied.length} applied, ${result.alreadyApplied} already applied`,
    );
  },
});
