import { z } from "zod";
import { UserError } from "../../../errors/user-error.ts";
import { getJobWithReconciliation } from "../../../job-detail/job-with-reconciliation.ts";
import { ZJobId } from "../../../jobs/schema.ts";
import { defineCommand } from "../../define-command.ts";
import { iso } from "../../schema.ts";

export const show = defineCommand({
  name: "jobs show",
  summary: "One export job",
  positionals: ["id"],
  schema: z.object({ id: ZJobId }),
  json: true,
  audit: { event: "getComplianceReport", objectType: "export" },
  async run({ input, emit }) {
    const job = await getJobWithReconciliation(input.id);
    if (!job) throw new UserError(`no job ${input.id}`, 404);
    emit(job, (j) => {
      const rows: Array<[string, string]> = [
        ["id", j.id],
        ["status", `${j.status}${j.status === "in_progress" ? ` (${j.progress} %)` : ""}`],
        ["policy", j.policyName],
        ["format", j.format],
        ["trigger", `${j.trigger}${j.initiatedBy ? ` by ${j.initiatedBy}` : ""}`],
        ["created", iso(j.createdAt)],
        ["started", iso(j.startedAt)],
        ["finished", iso(j.finishedAt)],
        ["window", `${iso(j.windowStart)} .. ${iso(j.windowEnd)}`],
        ...(j.select
          ? ([
              [
                "select",
                j.select === "created"
                  ? "created in the window, with all versions up to now"
                  : "changed in the window",
              ],
            ] as Array<[string, string]>)
          : []),
        ["messages", String(j.messages)],
        ["files", String(j.files)],
        ["batches", String(j.batches)],
        ["warnings", String(j.warnings)],
        ...(j.delivered !== null
          ? ([["delivered", String(j.delivered)]] as Array<[string, string]>)
          : []),
        ["target", j.targetName],
        ["export dir", j.exportDir || "-"],
        [
          "downloadable",
          j.downloadable
            ? j.expiresAt === null
              ? "yes"
              : `yes, until ${iso(j.expiresAt)}`
            : j.expired
              ? "no (expired)"
              : "no",
        ],
        ...(j.legalHold
          ? ([
              [
                "legal hold",
                `${j.legalHold.reason} (by ${j.legalHold.by || "?"}, ${iso(j.legalHold.at)})`,
              ],
            ] as Array<[string, string]>)
          : []),
        ...(j.error ? ([["error", j.error]] as Array<[string, string]>) : []),
      ];
      const refused = (j.refusedDeliveries ?? []).map(
        (r) =>
          `${r.status === "refused" ? "refused" : "delivered"}    batch ${r.batchNumber}, channel ${r.channelId}, ${r.posts} post(s) [${r.postIds.join(" ")}] ${r.messageId}${r.status === "refused" ? `: ${r.reply}` : " (accepted on retry)"}`,
      );
      const hint = (j.refusedDeliveries ?? []).some((r) => r.status === "refused")
        ? [`retry them: custodian jobs retry-deliveries ${j.id}`]
        : [];
      // The run's reconciliation as its reconciliation.json holds it (docs/reconciliation.md).
      const reconciliation = j.reconciliation
        ? [
            "reconciliation",
            ...JSON.stringify(j.reconciliation, null, 2)
              .split("\n")
              .map((l) => `  ${l}`),
          ]
        : [];
      return [
        ...rows.map(([k, v]) => `${k.padEnd(13)}${v}`),
        ...refused,
        ...hint,
        ...reconciliation,
      ];
    });
    return { audit: { parameters: { job_id: input.id } } };
  },
});
