import { z } from "zod";
import { formatCounts } from "../../ingest/format-apply-result.ts";
import { ZInstant } from "../../jobs/schema.ts";
import { seedWorkspace } from "../../ingest/seed-workspace.ts";
import { defineCommand } from "../define-command.ts";
import { wholeNumber } from "../schema.ts";

export const command = defineCommand({
  name: "seed",
  summary: "Generate and load a demo workspace of N posts (deterministic)",
  flags: {
    posts: { type: "string", value: "N", help: "how many posts (required)", required: true },
    seed: {
      type: "string",
      value: "S",
      help: "the generator's seed (default 1): the same seed gives the same workspace",
    },
    channels: { type: "string", value: "C", help: "how many channels (default: about N/75)" },
    days: { type: "string", value: "D", help: "spread the posts over D days (default 30)" },
    from: {
      type: "string",
      value: "T",
      help: "the first day (epoch ms or ISO 8601); default: D days ago, so the data ends now",
    },
  },
  schema: z
    .object({
      posts: z.string({ error: "is required" }).pipe(wholeNumber(1, 10_000_000)),
      seed: wholeNumber(0, 2 ** 32 - 1).default(1),
      channels: wholeNumber(4, 100_000).optional(),
      days: wholeNumber(1, 3660).default(30),
      from: ZInstant.optional(),
    })
    .refine((v) => v.from === undefined || v.from + v.days * 86_400_000 <= Date.now(), {
      path: ["from"],
      message:
        "--from with --days would end in the future; choose an earlier --from or fewer --days",
    }),
  details:
    "Teams, public and private channels, direct and group messages, bots, webhooks, replies, edits, deletions,\n" +
    "attachments, joins and leaves, unicode text, spread over --days ending now (or starting at --from).\n" +
    "Running it twice with the same seed and --from changes nothing.",
  audit: { event: "bulkImport", objectType: "import" },
  async run({ input, out, note }) {
    const { posts, seed, channels, days } = input;
    const started = Date.now();
    const spanMs = days * 86_400_000;
    const startAt = input.from ?? started - spanMs;
    const step = Math.max(1, Math.ceil(posts / 10));
    let nextReport = step;
    const result = await seedWorkspace({
      posts,
      seed,
      channels,
      startAt,
      spanMs,
      onProgress: (done) => {
        if (done.posts < nextReport) return;
        note(
          `seed: ${done.posts}/${posts} posts (${done.records} records, ${((Date.now() - started) / 1000).toFixed(1)} s)`,
        );
        nextReport += step;
      },
    });
    out(
      `Seeded ${result.records} records (seed ${seed}, ${new Date(startAt).toISOString()} to ${new Date(startAt + spanMs).toISOString()}) in ${((Date.now() - started) / 1000).toFixed(1)} s:`,
    );
    for (const line of formatCounts(result.counts)) out(line);
    if (result.warnings.length > 0)
      out(`${result.warnings.length} warnings (records already stored and newer were kept)`);
    return {
      audit: {
        parameters: { posts, seed, days, from: startAt, ...(channels ? { channels } : {}) },
        resultingState: { counts: result.counts },
      },
    };
  },
});
