import { parseArgs } from "node:util";
import { componentActor } from "../../audit/actor.ts";
import { record } from "../../audit/record.ts";
import { UserError } from "../../errors/user-error.ts";
import { createIngestToken } from "../../ingest/create-ingest-token.ts";
import { listIngestTokens } from "../../ingest/list-ingest-tokens.ts";
import { revokeIngestToken } from "../../ingest/revoke-ingest-token.ts";
import { CliUsageError, type CliCommand } from "../cli-error.ts";

const USAGE = `Usage: npm run cli -- token create --name NAME
       npm run cli -- token list
       npm run cli -- token revoke <id>

Ingest API tokens (Authorization: Bearer <token> on POST /api/v1/ingest). "create" prints the
token once; only its sha256 is stored, so keep it somewhere safe.`;

export const command: CliCommand = {
  summary: "Create, list or revoke ingest API tokens",
  usage: USAGE,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === "create") return create(rest);
    if (sub === "list") return list(rest);
    if (sub === "revoke") return revoke(rest);
    throw new CliUsageError(`unknown token subcommand "${sub ?? ""}"\n\n${USAGE}`);
  },
};

function parse(args: string[]) {
  try {
    return parseArgs({ args, options: { name: { type: "string" } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliUsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
}

async function create(args: string[]): Promise<number> {
  const { values, positionals } = parse(args);
  if (positionals.length > 0 || values.name === undefined) throw new CliUsageError(`token create needs --name NAME\n\n${USAGE}`);
  let created;
  try {
    created = await createIngestToken({ name: values.name, createdBy: "cli" });
  } catch (error) {
    if (error instanceof UserError) throw new CliUsageError(`--name: ${error.message}`);
    throw error;
  }
  await record({
    eventName: "createIngestToken",
    status: "success",
    actor: componentActor("cli"),
    objectType: "token",
    apiPath: "cli:token create",
    parameters: { name: created.name },
    resultingState: { token_id: created.id },
  });
  console.log(`Created ingest token "${created.name}" (id ${created.id}). It is shown only this once:\n\n${created.token}\n`);
  return 0;
}

async function list(args: string[]): Promise<number> {
  const { values, positionals } = parse(args);
  if (positionals.length > 0 || values.name !== undefined) throw new CliUsageError(`token list takes no arguments\n\n${USAGE}`);
  const tokens = await listIngestTokens();
  if (tokens.length === 0) {
    console.log("No ingest tokens.");
    return 0;
  }
  console.log(["ID".padEnd(26), "STATUS ", "CREATED".padEnd(24), "LAST USED".padEnd(24), "NAME"].join("  "));
  for (const t of tokens) {
    console.log(
      [t.id.padEnd(26), (t.revokedAt ? "revoked" : "active").padEnd(7), t.createdAt.toISOString().padEnd(24), (t.lastUsedAt?.toISOString() ?? "never").padEnd(24), t.name].join("  "),
    );
  }
  return 0;
}

async function revoke(args: string[]): Promise<number> {
  const { values, positionals } = parse(args);
  if (positionals.length !== 1 || values.name !== undefined) throw new CliUsageError(`token revoke needs the token's id\n\n${USAGE}`);
  const id = positionals[0]!;
  const revoked = await revokeIngestToken(id);
  await record({
    eventName: "revokeIngestToken",
    status: revoked ? "success" : "fail",
    actor: componentActor("cli"),
    objectType: "token",
    apiPath: "cli:token revoke",
    parameters: { token_id: id },
    ...(revoked ? {} : { error: { description: "no such active token", status_code: 404 } }),
  });
  if (!revoked) {
    console.error(`error: no active token with id "${id}"`);
    return 1;
  }
  console.log(`Revoked token ${id}.`);
  return 0;
}
