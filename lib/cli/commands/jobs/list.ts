import { listJobsPage, ZJobsPageQuery } from "../../../jobs/list-jobs-page.ts";
import { defineCommand } from "../../define-command.ts";
import { iso, table } from "../../schema.ts";

export const list = defineCommand({
  name: "jobs list",
  summary: "The export jobs, newest first, a page at a time",
  flags: {
    limit: { type: "string", value: "N", help: "jobs per page, 1 to 500 (default 50)" },
    before: {
      type: "string",
      value: "ID|TIME",
      help: "the page after this job id (printed as the next page), or jobs created before a time",
    },
    status: {
      type: "string",
      value: "S,S",
      help: "only these statuses: pending, in_progress, success, warning, error, cancel_requested, canceled",
    },
  },
  schema: ZJobsPageQuery.pick({ limit: true, before: true, status: true }),
  json: true,
  details:
    'With --json: {"jobs": [...], "next": "<id>" | null, "total": N}; the same job objects as GET /api/v1/jobs.',
  audit: { event: "getComplianceReports", objectType: "export" },
  async run({ input, emit, note, json }) {
    const page = await listJobsPage({ query: { sort: "createdAt", order: "desc", ...input } });
    // The documented shape only: the console's live-table fields (revision, policy names) stay out.
    emit({ jobs: page.jobs, next: page.next, total: page.total }, (p) =>
      table(
        ["ID", "STATUS", "FORMAT", "CREATED", "MESSAGES", "FILES", "WARNINGS", "ERROR"],
        p.jobs.map((j) => [
          j.id,
          j.status,
          j.format,
          iso(j.createdAt),
          String(j.messages),
          String(j.files),
          String(j.warnings),
          j.error,
        ]),
      ),
    );
    if (!json && page.next)
      note(
        `More jobs: npm run cli -- jobs list --before ${page.next}${input.limit !== 50 ? ` --limit ${input.limit}` : ""}`,
      );
    return {
      audit: {
        parameters: {
          limit: input.limit,
          ...(input.before !== undefined ? { before: input.before } : {}),
          ...(input.status ? { status: input.status } : {}),
        },
      },
    };
  },
});
