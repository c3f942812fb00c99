import { db } from "../db/client.ts";
import { toJobView, type JobView } from "../jobs/job-view.ts";
import { loadTargetDirectory } from "../targets/target-directory.ts";
import { requestStatusLabel, type RequestStatusLabel } from "./schema.ts";

export type RequestView = JobView & { requestStatus: RequestStatusLabel };

export async function listExportRequests(
  options: { now?: Date; limit?: number } = {},
): Promise<RequestView[]> {
  const rows = await db().exportJob.findMany({
    where: { trigger: "request" },
    orderBy: { createdAt: "desc" },
    take: options.limit ?? 100,
  });
  const targets = await loadTargetDirectory();
  return rows.map((r) => {
    const view = toJobView(r, options.now, targets);
    return { ...view, requestStatus: requestStatusLabel(view.status, view.expired) };
  });
}
