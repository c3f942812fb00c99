import { saveTarget } from "../targets/save-target.ts";
import type { TTargetParsed } from "../targets/schema.ts";
import { targetChangeAudit, targetDestinationDiffs } from "../targets/target-change.ts";
import { announceDestinationChange } from "./announce-destination-change.ts";

/**
 * Adds or changes a target (the Targets page and `PATCH /api/v1/targets/{id}`). A change of where a
 * target's exports go is announced to the owner and every admin with `audit` (issue 11 item 3), and
 * the notice is part of the audit record.
 */
export async function changeTarget(options: {
  id?: string;
  input: TTargetParsed;
  changedBy: string;
}) {
  const saved = await saveTarget({ id: options.id, input: options.input });
  const diffs = targetDestinationDiffs(saved);
  const notice = diffs.length
    ? await announceDestinationChange({
        what: "Export targets",
        diffs,
        changedBy: options.changedBy,
      })
    : undefined;
  const audit = targetChangeAudit(saved);
  return {
    saved,
    notice,
    audit: {
      ...audit,
      resultingState: { ...audit.resultingState, ...(notice ? { change_notice: notice } : {}) },
    },
  };
}
