export const JOB_STATUSES = [
  "pending",
  "in_progress",
  "success",
  "warning",
  "error",
  "cancel_requested",
  "canceled",
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const ACTIVE_STATUSES: readonly JobStatus[] = ["pending", "in_progress", "cancel_requested"];
export const FINISHED_STATUSES: readonly JobStatus[] = ["success", "warning", "error", "canceled"];

export const JOB_TRIGGERS = ["scheduled", "manual", "api", "cli", "request"] as const;
export type JobTrigger = (typeof JOB_TRIGGERS)[number];

export function isActive(status: string): boolean {
  return (ACTIVE_STATUSES as readonly string[]).includes(status);
}
