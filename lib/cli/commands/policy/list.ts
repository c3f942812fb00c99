import { z } from "zod";
import { listPolicyViews } from "../../../policies/policy-view.ts";
import { defineCommand } from "../../define-command.ts";
import { table } from "../../schema.ts";

export const list = defineCommand({
  name: "policy list",
  summary: "The export policies: status, format, target, schedule and next run, last run, filter",
  schema: z.object({}),
  json: true,
  audit: { event: "getConfig", objectType: "policy" },
  async run({ emit }) {
    emit(await listPolicyViews(), (ps) =>
      table(
        ["NAME", "STATUS", "FORMAT", "TARGET", "SCHEDULE", "NEXT RUN", "LAST RUN", "FILTER"],
        ps.map((p) => [
          p.name,
          p.enabled ? "enabled" : "disabled",
          p.format,
          p.targetName,
          `${p.scheduleSummary} ${p.timeZone}`,
          p.nextRunAt ?? "-",
          p.lastRun?.status ?? "-",
          p.filterSummary,
        ]),
      ),
    );
    return { audit: { parameters: { policies: true } } };
  },
});
