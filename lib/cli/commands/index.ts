import type { Command, CommandGroup } from "../define-command.ts";

type Loader = () => Promise<{ command: Command | CommandGroup }>;

/**
 * Every top-level command, loaded only when run (a command's imports stay off the others' start-up).
 * Adding one: a file in lib/cli/commands/ exporting `command = defineCommand(…)` (or `defineGroup`
 * for subcommands), and one line here. CODE_STYLE.md item 10.
 */
export const COMMANDS: Record<string, Loader> = {
  admin: () => import("./admin/index.ts"),
  config: () => import("./config/index.ts"),
  export: () => import("./export.ts"),
  jobs: () => import("./jobs/index.ts"),
  verify: () => import("./verify.ts"),
  completeness: () => import("./completeness.ts"),
  "verify-audit": () => import("./verify-audit.ts"),
  ingest: () => import("./ingest.ts"),
  "import-mattermost": () => import("./import-mattermost.ts"),
  seed: () => import("./seed.ts"),
  token: () => import("./token/index.ts"),
  target: () => import("./target/index.ts"),
  policy: () => import("./policy/index.ts"),
  migrate: () => import("./migrate.ts"),
  keys: () => import("./keys/index.ts"),
  "decrypt-export": () => import("./decrypt-export.ts"),
};
