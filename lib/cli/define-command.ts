import { parseArgs } from "node:util";
import type pino from "pino";
import type { z } from "zod";
import { componentActor, type AuditActor } from "../audit/actor.ts";
import type { AuditEventName, AuditObjectType } from "../audit/events.ts";
import { record, type AuditDetails } from "../audit/record.ts";
import { UserError } from "../errors/user-error.ts";
import { logger } from "../log/logger.ts";
import { CliUsageError } from "../errors/cli-usage-error.ts";
import type { Terminal } from "./terminal.ts";

/** Where a command writes: its result (standard output) and everything else (the terminal, stderr). */
export type CliIo = { stdout: (text: string) => void; terminal: Terminal };

export type FlagSpec = {
  type: "string" | "boolean";
  /** The value's placeholder in the usage line (`--limit N`). */
  value?: string;
  help: string;
  short?: string;
  multiple?: boolean;
  /** Shown without brackets in the usage line (the schema is what enforces it). */
  required?: boolean;
};

export type CommandContext<I> = {
  /** The flags and positionals, parsed by the command's schema (flag names in camelCase). */
  input: I;
  /** --json was given: print machine-readable results. */
  json: boolean;
  /** The command's result, on standard output. */
  out: (text: string) => void;
  /** Prints `data` as JSON with --json, else as the text `render` makes of it. */
  emit: <T>(data: T, render: (data: T) => string | string[]) => void;
  /** Messages for a person (warnings, hints, progress): standard error, never standard output. */
  note: (text: string) => void;
  log: pino.Logger;
  terminal: Terminal;
  actor: AuditActor;
  apiPath: string;
  /** For a command whose audit event depends on the outcome (the spec's `audit` covers the rest). */
  record: (
    event: AuditEventName,
    objectType: AuditObjectType,
    status: "success" | "fail",
    details?: AuditDetails & { error?: { description: string; status_code: number } },
  ) => Promise<void>;
};

export type CommandResult = { exitCode?: number; audit?: AuditDetails } | void;

type AuditSpec = { event: AuditEventName; objectType: AuditObjectType };

export type CommandSpec<S extends z.ZodType> = {
  /** The full name as typed: "jobs list". */
  name: string;
  summary: string;
  /** Positional arguments in order; a trailing "?" makes one optional. */
  positionals?: readonly string[];
  flags?: Record<string, FlagSpec>;
  /** Parses `{ ...flags in camelCase, ...positionals by name }`. */
  schema: S;
  /** Accepts --json (every listing and `show` command does). */
  json?: boolean;
  /** Further paragraphs of --help. */
  details?: string;
  /** Apply pending migrations first (default true). */
  migrate?: boolean;
  /** One audit record per run: success with what run returns, fail on a refusal (a function: per input). */
  audit?: AuditSpec | ((input: z.output<S>) => AuditSpec);
  run: (ctx: CommandContext<z.output<S>>) => Promise<CommandResult>;
};

export type Command = {
  kind: "command";
  name: string;
  summary: string;
  usage: string;
  migrate: boolean;
  execute: (argv: string[], io: CliIo) => Promise<number>;
};

export type CommandGroup = {
  kind: "group";
  name: string;
  summary: string;
  commands: Command[];
  usage: string;
};

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function usageOf(spec: CommandSpec<z.ZodType>): string {
  const flags = Object.entries(spec.flags ?? {});
  if (spec.json) flags.push(["json", { type: "boolean", help: "print the result as JSON" }]);
  const synopsis = [
    `npm run cli -- ${spec.name}`,
    ...(spec.positionals ?? []).map((p) => (p.endsWith("?") ? `[<${p.slice(0, -1)}>]` : `<${p}>`)),
    ...flags.map(([name, f]) => {
      const flag = `--${name}${f.type === "string" ? ` ${f.value ?? "VALUE"}` : ""}`;
      return f.required ? flag : `[${flag}]`;
    }),
  ].join(" ");
  const lines = [`Usage: ${synopsis}`, "", spec.summary];
  if (flags.length) {
    lines.push("", "Options:");
    const width =
      Math.max(
        ...flags.map(
          ([n, f]) => n.length + (f.type === "string" ? (f.value ?? "VALUE").length + 1 : 0),
        ),
      ) + 4;
    for (const [name, f] of flags)
      lines.push(
        `  ${`--${name}${f.type === "string" ? ` ${f.value ?? "VALUE"}` : ""}`.padEnd(width)}${f.help}`,
      );
  }
  if (spec.details) lines.push("", spec.details);
  return lines.join("\n");
}

/**
 * Every CLI command has this one shape: argv → flags and positionals → one zod schema → run →
 * result on stdout, logs and messages on stderr, one audit record. Usage errors (unknown option,
 * missing argument, a value the schema refuses) print the usage and exit 2; refusals (UserError)
 * print `error: …` and exit 1; so does a failed check, by returning { exitCode: 1 }.
 */
export function defineCommand<S extends z.ZodType>(spec: CommandSpec<S>): Command {
  const usage = usageOf(spec as CommandSpec<z.ZodType>);
  const usageError = (message: string) => new CliUsageError(`${message}\n\n${usage}`);
  const positionals = spec.positionals ?? [];

  const parse = (
    argv: string[],
  ): { input: z.output<S>; json: boolean; raw: Record<string, unknown> } => {
    const options: Record<
      string,
      { type: "string" | "boolean"; short?: string; multiple?: boolean }
    > = {};
    for (const [name, f] of Object.entries(spec.flags ?? {}))
      options[name] = {
        type: f.type,
        ...(f.short ? { short: f.short } : {}),
        ...(f.multiple ? { multiple: true } : {}),
      };
    if (spec.json) options.json = { type: "boolean" };
    let parsed;
    try {
      parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    } catch (error) {
      throw usageError((error as Error).message);
    }
    const required = positionals.filter((p) => !p.endsWith("?")).length;
    if (parsed.positionals.length < required)
      throw usageError(`missing <${positionals[parsed.positionals.length]!.replace(/\?$/, "")}>`);
    if (parsed.positionals.length > positionals.length)
      throw usageError(`unexpected argument "${parsed.positionals[positionals.length]}"`);
    const raw: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(parsed.values))
      if (name !== "json") raw[camel(name)] = value;
    positionals.forEach((p, i) => {
      if (parsed.positionals[i] !== undefined) raw[p.replace(/\?$/, "")] = parsed.positionals[i];
    });
    const result = spec.schema.safeParse(raw);
    if (!result.success) {
      const messages = result.error.issues.map((issue) => {
        const key = String(issue.path[0] ?? "");
        const where = positionals.some((p) => p.replace(/\?$/, "") === key)
          ? `<${key}>`
          : key
            ? `--${kebab(key)}`
            : "";
        return where ? `${where}: ${issue.message}` : issue.message;
      });
      throw usageError(messages.join("\n"));
    }
    return { input: result.data, json: parsed.values.json === true, raw };
  };

  return {
    kind: "command",
    name: spec.name,
    summary: spec.summary,
    usage,
    migrate: spec.migrate ?? true,
    async execute(argv, { stdout, terminal }) {
      const { input, json, raw } = parse(argv);
      const actor = componentActor("cli");
      const apiPath = `cli:${spec.name}`;
      const audit = typeof spec.audit === "function" ? spec.audit(input) : spec.audit;
      const out = (text: string) => stdout(text.endsWith("\n") ? text : `${text}\n`);
      const ctx: CommandContext<z.output<S>> = {
        input,
        json,
        out,
        emit: (data, render) => {
          if (json) out(JSON.stringify(data, null, 2));
          else {
            const text = render(data);
            for (const line of Array.isArray(text) ? text : [text]) out(line);
          }
        },
        note: (text) => terminal.writeLine(text),
        log: logger().child({ command: spec.name }),
        terminal,
        actor,
        apiPath,
        record: (eventName, objectType, status, details) =>
          record({ eventName, objectType, status, actor, apiPath, ...details }).then(() => {}),
      };
      try {
        const result = (await spec.run(ctx)) ?? {};
        if (audit && result.audit) {
          await record({
            eventName: audit.event,
            status: "success",
            actor,
            objectType: audit.objectType,
            apiPath,
            ...result.audit,
          });
        }
        return result.exitCode ?? 0;
      } catch (error) {
        if (error instanceof CliUsageError && !error.message.includes("\nUsage: "))
          throw usageError(error.message);
        if (!(error instanceof UserError)) throw error;
        const fields = Object.entries(error.fieldErrors).map(([f, m]) => `${f}: ${m}`);
        const description = fields.length ? fields.join("; ") : error.message;
        if (audit) {
          await record({
            eventName: audit.event,
            status: "fail",
            actor,
            objectType: audit.objectType,
            apiPath,
            parameters: raw,
            error: { description, status_code: error.status },
          });
        }
        terminal.writeLine(`error: ${description}`);
        return 1;
      }
    },
  };
}

/** A command with subcommands (`jobs list`, `jobs show`, …): one file per subcommand, listed here. */
export function defineGroup(spec: {
  name: string;
  summary: string;
  commands: Command[];
}): CommandGroup {
  const width = Math.max(...spec.commands.map((c) => c.name.length)) + 2;
  const usage = [
    `Usage: npm run cli -- ${spec.name} <subcommand> [options]`,
    "",
    spec.summary,
    "",
    "Subcommands:",
    ...spec.commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    "",
    `Run npm run cli -- ${spec.name} <subcommand> --help for its options.`,
  ].join("\n");
  return { kind: "group", name: spec.name, summary: spec.summary, commands: spec.commands, usage };
}
