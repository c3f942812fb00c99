import { z } from "zod";
import { formatCounts } from "../../ingest/format-apply-result.ts";
import { seedWorkspace } from "../../ingest/seed-workspace.ts";
import { defineCommand } from "../define-command.ts";
import { wholeNumber } from "../schema.ts";

export const command = defineCommand({
  name: "seed",
  summary: "Generate and load a demo workspace of N posts (deterministic)",
  flags: {
    posts: { type: "string", value: "N", help: "how many posts (required)", required: true },
    seed: { type: "string", value: "S", help: "the generator's seed (default 1): the same seed gives the same workspace" },
    channels: { type: "string", value: "C", help: "how many channels (default: about N/75)" },
  },
  schema: z.object({
    posts: z.string({ error: "is required" }).pipe(wholeNumber(1, 10_000_000)),
    seed: wholeNumber(0, 2 ** 32 - 1).default(1),
    channels: wholeNumber(4, 100_000).optional(),
  }),
  details:
    "Teams, public and private channels, direct and group messages, bots, webhooks, replies, edits, deletions,\n" +
    "attachments, joins and leaves, unicode text. Running it twice with the same seed changes nothing.",
  audit: { event: "bulkImport", objectType: "import" },
  async run({ input, out, note }) {
    const { posts, seed, channels } = input;
    const started = Date.now();
    const step = Math.max(1, Math.ceil(posts / 10));
    let nextReport = step;
    const result = await seedWorkspace({
      posts,
      seed,
      channels,
      onProgress: (done) => {
        if (done.posts < nextReport) return;
        note(`seed: ${done.posts}/${posts} posts (${done.records} records, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
        nextReport += step;
      },
    });
    out(`Seeded ${result.records} records (seed ${seed}) in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
    for (const line of formatCounts(result.counts)) out(line);
    if (result.warnings.length > 0) out(`${result.warnings.length} warnings (records already stored and newer were kept)`);
    return { audit: { parameters: { posts, seed, ...(channels ? { channels } : {}) }, resultingState: { counts: result.counts } } };
  },
});
