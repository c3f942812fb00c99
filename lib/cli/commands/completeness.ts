import { z } from "zod";
import {
  readCompleteness,
  type CompletenessRow,
} from "../../ingest/attestations/read-completeness.ts";
import { defineCommand } from "../define-command.ts";

const ZDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "give a date as YYYY-MM-DD");

export const command = defineCommand({
  name: "completeness",
  summary: "Compare what the chat system attested per channel-day with what Custodian holds",
  flags: {
    from: { type: "string", value: "YYYY-MM-DD", help: "first attested day (inclusive)" },
    to: { type: "string", value: "YYYY-MM-DD", help: "last attested day (inclusive)" },
  },
  schema: z.object({ from: ZDay.optional(), to: ZDay.optional() }),
  json: true,
  details:
    "One line per attested channel-day (the day in the time zone the source attested it in): attested and\n" +
    "received posts and files, mismatches first. Exit 0 when every day matches; 1 when a day is short\n" +
    "(fewer received than attested) or over. Read-only: nothing is written, not even an audit record.",
  async run({ input, emit }) {
    const rows = await readCompleteness({ from: input.from, to: input.to });
    const mismatches = rows.filter((r) => r.status !== "ok").length;
    const verdict =
      rows.length === 0
        ? "No attestations in this range."
        : mismatches === 0
          ? `All ${rows.length} attested channel-days match.`
          : `${mismatches} of ${rows.length} attested channel-days do not match.`;
    emit({ ok: mismatches === 0, mismatches, rows, verdict }, (r) => [
      ...r.rows.map(describe),
      r.verdict,
    ]);
    return { exitCode: mismatches === 0 ? 0 : 1 };
  },
});

function describe(r: CompletenessRow): string {
  return `${r.status.padEnd(5)} ${r.day} ${r.timeZone} ${r.channelName} (${r.channelId}): attested ${r.attested.posts} posts ${r.attested.files} files, received ${r.received.posts} posts ${r.received.files} files`;
}
