// Generates both Prisma clients (SQLite and PostgreSQL) so one build serves either database.
// The Prisma CLI wants to download a native schema engine even to generate; generation does not
// use it, so any executable satisfies the check (see docs/operations.md).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const prismaBin = "node_modules/.bin/prisma";
if (!existsSync(prismaBin)) process.exit(0); // production install without devDependencies

for (const provider of ["sqlite", "postgresql"]) {
  execFileSync(prismaBin, ["generate", "--schema", `prisma/${provider}/schema.prisma`], {
    stdio: "inherit",
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? "/bin/true",
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
    },
  });
}
