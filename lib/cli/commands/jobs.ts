import { componentActor } from "../../audit/actor.ts";
import { record } from "../../audit/record.ts";
import { UserError } from "../../errors/user-error.ts";
import { cancelJob } from "../../jobs/cancel-job.ts";
import { getJobView, listJobViews } from "../../jobs/job-view.ts";
import { ZJobId } from "../../jobs/schema.ts";
import { CliUsageError, type CliCommand } from "../cli-error.ts";

const USAGE = `Usage:
  npm run cli -- jobs list            the newest 50 export jobs
  npm run cli -- jobs show <id>       one job as JSON
  npm run cli -- jobs cancel <id>     cancel a pending or running job`;

const iso = (ms: number | null) => (ms === null ? "-" : new Date(ms).toISOString());

export const command: CliCommand = {
  summary: "List, show or cancel export jobs",
  usage: USAGE,
  async run(argv) {
    const [sub, id, ...extra] = argv;
    const actor = componentActor("cli");
    if (sub === "list" && !id) {
      const jobs = await listJobViews();
      await record({ eventName: "getComplianceReports", status: "success", actor, objectType: "export", apiPath: "cli:jobs list" });
      for (const j of jobs) {
        console.log([j.id, j.status.padEnd(16), j.format.padEnd(15), iso(j.createdAt), `${j.messages} msgs`, `${j.warnings} warn`, j.error].join("  ").trimEnd());
      }
      if (jobs.length === 0) console.log("No export jobs yet.");
      return 0;
    }
    if ((sub !== "show" && sub !== "cancel") || !id || extra.length) throw new CliUsageError(USAGE);
    if (!ZJobId.safeParse(id).success) throw new CliUsageError(`"${id}" is not a job id`);
    if (sub === "show") {
      const job = await getJobView(id);
      if (!job) {
        console.error(`error: no job ${id}`);
        return 1;
      }
      await record({ eventName: "getComplianceReport", status: "success", actor, objectType: "export", apiPath: "cli:jobs show", parameters: { job_id: id } });
      console.log(JSON.stringify(job, null, 2));
      return 0;
    }
    try {
      const change = await cancelJob({ jobId: id });
      await record({ eventName: "cancelJob", status: "success", actor, objectType: "job", apiPath: "cli:jobs cancel", parameters: { job_id: id }, priorState: { status: change.before }, resultingState: { status: change.after } });
      console.log(`Job ${id}: ${change.after}`);
      return 0;
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      await record({ eventName: "cancelJob", status: "fail", actor, objectType: "job", apiPath: "cli:jobs cancel", parameters: { job_id: id }, error: { description: error.message, status_code: error.status } });
      console.error(`error: ${error.message}`);
      return 1;
    }
  },
};
