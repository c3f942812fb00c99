import { env } from "../../config/env.ts";
import { db } from "../../db/client.ts";
import { UserError } from "../../errors/user-error.ts";
import { parseJobRequest } from "../../jobs/job-request.ts";
import { loadPolicy } from "../../policies/policy-store.ts";
import { exportDirName } from "../export-paths.ts";
import { loadFeedCursor, readFeedWatermark } from "../feed/feed-cursor.ts";
import { summarizeSelection } from "../read-post-page.ts";
import { listOpenQuarantine } from "../quarantine/quarantine-store.ts";
import { emptyTally } from "../reconciliation/tally.ts";
import { legacyPlan } from "./legacy-plan.ts";

const MAX_QUARANTINE_POSTS = 10_000;
import { writerFormatOf, type ExportPlan, type Key } from "./export-plan.ts";

type PlannedJob = {
  id: string;
  policyId: string;
  format: string;
  data: string;
  plan: string;
  targetId: string;
  movesCursor: boolean;
};

/** Below every selectable post: a late pass starts here. */
const BEFORE_ALL: Key = { updateAt: -1, postId: "" };

/**
 * The plan of a job (EXPORT-FORMATS.md §1.4), made the first time it starts. The feed is read up to
 * its counter at this moment (every row stamped up to it is committed). A run that continues the
 * policy's cursor exports what the feed holds beyond the cursor — late arrivals first — and its
 * window, as Mattermost names it, runs from the cursor's frontier to now; a ranged run exports its
 * window as the feed stands now.
 */
export async function planExport(options: {
  job: PlannedJob;
  now: Date;
  decryptAttachments?: boolean;
}): Promise<ExportPlan> {
  const { job, now } = options;
  const legacy = legacyPlan(job);
  if (legacy) return legacy;
  // The job's policy (the default one: the Compliance Export settings) decides what and how.
  const policy = await loadPolicy(job.policyId);
  if (!policy) throw new UserError(`The job's export policy "${job.policyId}" does not exist.`);
  const settings = {
    BatchSize: policy.batchSize,
    ExportAttachments: policy.exportAttachments,
    TimeZone: policy.timeZone,
    ExportFromTimestamp: policy.exportFrom,
  };
  const request = parseJobRequest(job.data, job.format);
  const decryptAttachments = options.decryptAttachments ?? policy.decryptAttachments;
  // An email has no place for encryption.json, and the archive must read what it indexes.
  if (!decryptAttachments && writerFormatOf(request.format) === "eml")
    throw new UserError(
      "Attachments can stay encrypted only in a zip format (CSV, Actiance XML, JSON): Global Relay emails carry them decrypted.",
    );
  const feedTo = await readFeedWatermark();
  const base = {
    version: 1 as const,
    policyId: job.policyId,
    format: writerFormatOf(request.format),
    targetId: job.targetId,
    batchSize: settings.BatchSize,
    exportAttachments: settings.ExportAttachments,
    decryptAttachments,
    scope: policy.filter,
    timeZone: settings.TimeZone,
    lateWarningMs: env().CUSTODIAN_LATE_WARNING_HOURS * 3_600_000,
  };
  const progress = {
    batches: 0,
    messages: 0,
    files: 0,
    warnings: 0,
    emailsDelivered: 0,
    late: { count: 0, oldest: null },
    tally: emptyTally(),
  };

  if (request.onlyQuarantined) {
    // One job takes at most MAX_QUARANTINE_POSTS of them (a bound on the statement's parameters); run it again for the rest.
    const open = (await listOpenQuarantine(job.policyId)).slice(0, MAX_QUARANTINE_POSTS);
    if (open.length === 0)
      throw new UserError("No post is in quarantine: there is nothing to export again.");
    const start = open[0]!.updateAt;
    const end = Math.max(start, ...open.map((q) => q.updateAt));
    const selection = { kind: "posts" as const, postIds: open.map((q) => q.postId), feedTo };
    return {
      ...base,
      selection,
      lateWindow: null,
      jobStartTime: start,
      jobEndTime: end,
      exportDir: await uniqueExportDir(
        job.id,
        exportDirName({ now, timeZone: settings.TimeZone, start, end }),
      ),
      expected: (await summarizeSelection(selection)).count,
      progress: { ...progress, phase: "normal", cursor: { updateAt: start, postId: "" } },
    };
  }

  if (request.window) {
    const start = request.window.start;
    const end = request.window.end ?? now.getTime();
    if (end < start)
      throw new UserError(`The export window ends (${end}) before it starts (${start}).`);
    const selection = {
      kind: "window" as const,
      select: request.select ?? ("changed" as const),
      start,
      end,
      feedTo,
    };
    return {
      ...base,
      selection,
      lateWindow: null,
      jobStartTime: start,
      jobEndTime: end,
      exportDir: await uniqueExportDir(
        job.id,
        exportDirName({ now, timeZone: settings.TimeZone, start, end }),
      ),
      expected: (await summarizeSelection({ ...selection, scope: policy.filter })).count,
      progress: { ...progress, phase: "normal", cursor: { updateAt: start, postId: "" } },
    };
  }

  const cursor = await loadFeedCursor({
    policyId: job.policyId,
    exportFrom: settings.ExportFromTimestamp,
  });
  const selection = {
    kind: "feed" as const,
    feedFrom: cursor.feedFrom,
    feedTo,
    regions: cursor.regions,
    frontier: cursor.frontier,
    exportFrom: settings.ExportFromTimestamp,
  };
  const late = await summarizeSelection({ ...selection, phase: "late", scope: policy.filter });
  const normal = await summarizeSelection({ ...selection, phase: "normal", scope: policy.filter });
  const start = cursor.frontier.updateAt;
  const end = Math.max(now.getTime(), start);
  if (!Number.isSafeInteger(start))
    throw new UserError("The export window's start is not a valid time.");
  return {
    ...base,
    selection,
    lateWindow: late.count > 0 ? { start: late.oldest!, end: start } : null,
    jobStartTime: start,
    jobEndTime: end,
    exportDir: await uniqueExportDir(
      job.id,
      exportDirName({ now, timeZone: settings.TimeZone, start, end }),
    ),
    expected: late.count + normal.count,
    progress:
      late.count > 0
        ? { ...progress, phase: "late", cursor: BEFORE_ALL }
        : { ...progress, phase: "normal", cursor: cursor.frontier },
  };
}

/** Two ranged jobs over the same window started in the same minute must not share a directory. */
async function uniqueExportDir(jobId: string, name: string): Promise<string> {
  const taken = await db().exportJob.findFirst({
    where: { exportDir: name, id: { not: jobId } },
    select: { id: true },
  });
  return taken ? `${name}-${jobId.slice(0, 8)}` : name;
}
