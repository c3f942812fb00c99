import { parseArgs } from "node:util";
import { componentActor } from "../../audit/actor.ts";
import { record } from "../../audit/record.ts";
import { formatCounts } from "../../ingest/format-apply-result.ts";
import { seedWorkspace } from "../../ingest/seed-workspace.ts";
import { CliUsageError, type CliCommand } from "../cli-error.ts";

const USAGE = `Usage: npm run cli -- seed --posts N [--seed S] [--channels C]

Generates a realistic demo/benchmark workspace of N posts (teams, public and private channels,
direct and group messages, bots, webhooks, replies, edits, deletions, attachments, joins and
leaves, unicode text) and loads it. The same --seed (default 1) gives the same workspace, so
running it twice changes nothing. --channels: how many channels (default: about N/75).`;

const MAX_POSTS = 10_000_000;

export const command: CliCommand = {
  summary: "Generate and load a demo workspace of N posts (deterministic)",
  usage: USAGE,
  async run(argv) {
    let values;
    try {
      ({ values } = parseArgs({
        args: argv,
        options: { posts: { type: "string" }, seed: { type: "string", default: "1" }, channels: { type: "string" } },
        strict: true,
      }));
    } catch (error) {
      throw new CliUsageError(`${(error as Error).message}\n\n${USAGE}`);
    }
    const posts = wholeNumber("--posts", values.posts, 1, MAX_POSTS);
    const seed = wholeNumber("--seed", values.seed, 0, 2 ** 32 - 1);
    const channels = values.channels === undefined ? undefined : wholeNumber("--channels", values.channels, 4, 100_000);

    const started = Date.now();
    let nextReport = Math.max(1, Math.ceil(posts / 10));
    const result = await seedWorkspace({
      posts,
      seed,
      channels,
      onProgress: (done) => {
        if (done.posts < nextReport) return;
        console.error(`seed: ${done.posts}/${posts} posts (${done.records} records, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
        nextReport += Math.max(1, Math.ceil(posts / 10));
      },
    });
    const seconds = (Date.now() - started) / 1000;
    console.log(`Seeded ${result.records} records (seed ${seed}) in ${seconds.toFixed(1)} s:`);
    for (const line of formatCounts(result.counts)) console.log(line);
    if (result.warnings.length > 0) console.log(`${result.warnings.length} warnings (records already stored and newer were kept)`);
    await record({
      eventName: "bulkImport",
      status: "success",
      actor: componentActor("cli"),
      objectType: "import",
      apiPath: "cli:seed",
      parameters: { posts, seed, ...(channels ? { channels } : {}) },
      resultingState: { counts: result.counts },
    });
    return 0;
  },
};

function wholeNumber(flag: string, raw: string | undefined, min: number, max: number): number {
  if (raw === undefined) throw new CliUsageError(`${flag} is required\n\n${USAGE}`);
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw new CliUsageError(`${flag} must be a whole number from ${min} to ${max}, not "${raw}"`);
  return Number(raw);
}
