import { z } from "zod";
import { listTargets } from "../../../targets/list-targets.ts";
import { defineCommand } from "../../define-command.ts";
import { table } from "../../schema.ts";

export const list = defineCommand({
  name: "target list",
  summary: "The export targets: local directories, S3 buckets, archive mailboxes (never a secret)",
  schema: z.object({}),
  json: true,
  audit: { event: "getConfig", objectType: "target" },
  async run({ emit }) {
    const targets = await listTargets();
    emit(targets, (ts) =>
      table(
        ["ID", "KIND", "STATUS", "RETENTION", "SECRET", "NAME", "DESTINATION"],
        ts.map((t) => [
          t.id,
          t.kind,
          t.disabled ? "disabled" : t.inUse ? "in use" : "enabled",
          t.retentionDays === null ? "never" : `${t.retentionDays}d`,
          t.kind === "local" ? "-" : t.secretSet ? "set" : "not set",
          t.name,
          t.destination,
        ]),
      ),
    );
    return { audit: { parameters: { targets: true } } };
  },
});
