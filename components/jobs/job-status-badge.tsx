import { STATUS_LABEL } from "./job-labels.ts";

/** Status as a coloured badge: success green, warning amber, error red, canceled grey, running blue. */
export function JobStatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge badge-${status}`} data-status-badge={status}>
      {STATUS_LABEL[status] ?? status}
    </span>
  );
}
