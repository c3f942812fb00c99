import Link from "next/link";
import type { Overview } from "@/lib/overview/read-overview.ts";
import { plural } from "@/components/ui/format.ts";
import { RelativeTime } from "@/components/ui/relative-time.tsx";
import { JobStatusBadge } from "@/components/jobs/job-status-badge.tsx";
import { shortId } from "@/components/jobs/job-labels.ts";
import { ExportCharts } from "./export-charts.tsx";

const WARNING_LABEL: Record<string, string> = {
  missed_schedule: "Missed schedule",
  failed_job: "Failed job",
  failed_delivery: "Failed delivery",
  late_arrivals: "Late arrivals",
  attestation_mismatch: "Attestation mismatch",
};

export function OverviewView({ overview }: { overview: Overview }) {
  const alive = overview.workers.filter((w) => w.alive);
  return (
    <>
      <h1>Overview</h1>
      <section className="card" aria-labelledby="warnings-heading" data-testid="open-warnings">
        <h2 id="warnings-heading">Open warnings</h2>
        {overview.warnings.length === 0 ? (
          <p className="status-ok">Nothing needs attention.</p>
        ) : (
          <ul className="warning-items">
            {overview.warnings.map((w, i) => (
              <li key={i} data-warning={w.kind}>
                <span className="badge badge-warning">{WARNING_LABEL[w.kind]}</span> {w.text}{" "}
                {w.at !== undefined && <RelativeTime ms={w.at} />}{" "}
                {w.jobId && <Link href={`/jobs/${w.jobId}`}>Job {shortId(w.jobId)}</Link>}
              </li>
            ))}
          </ul>
        )}
      </section>

      <div className="grid-cards">
        {overview.policies.map((p) => (
          <section
            className="card"
            key={p.policyId}
            aria-labelledby={`policy-${p.policyId}`}
            data-policy={p.policyId}
          >
            <h2 id={`policy-${p.policyId}`}>
              Policy: {p.policyId === "default" ? "Compliance Export (default)" : p.policyId}
            </h2>
            <dl className="facts">
              <dt>Last success</dt>
              <dd>
                {p.lastSuccess ? (
                  <>
                    <RelativeTime ms={p.lastSuccess.finishedAt} /> ·{" "}
                    <Link href={`/jobs/${p.lastSuccess.jobId}`}>
                      {plural(p.lastSuccess.messages, "message")}
                    </Link>
                  </>
                ) : (
                  "Never"
                )}
              </dd>
              <dt>Exported up to</dt>
              <dd>
                {p.exportedUpTo !== null ? (
                  <RelativeTime ms={p.exportedUpTo} />
                ) : (
                  "Nothing exported by the daily run yet"
                )}
              </dd>
              <dt>Next run</dt>
              <dd>
                {!p.next ? (
                  "No schedule"
                ) : !p.next.enabled ? (
                  <>
                    Off · <Link href="/compliance-export">enable it</Link>
                  </>
                ) : (
                  <>
                    <RelativeTime ms={p.next.at} />{" "}
                    <span className="muted">
                      ({p.next.dailyRunTime} {p.next.timeZone})
                    </span>
                  </>
                )}
              </dd>
            </dl>
          </section>
        ))}
        <section className="card" aria-labelledby="worker-heading" data-testid="worker-health">
          <h2 id="worker-heading">Worker</h2>
          <p className="stat">
            <span className={alive.length > 0 ? "badge badge-success" : "badge badge-error"}>
              {alive.length > 0 ? `${plural(alive.length, "worker")} running` : "No worker running"}
            </span>
          </p>
          <dl className="facts">
            {overview.workers
              .filter((w) => w.alive || overview.now - w.beatAt < 86_400_000)
              .slice(0, 3)
              .map((w) => (
                <div key={w.id} style={{ display: "contents" }}>
                  <dt>
                    {w.host} ({w.pid})
                  </dt>
                  <dd>
                    {w.alive ? "last heartbeat" : "stopped; last heartbeat"}{" "}
                    <RelativeTime ms={w.beatAt} />
                  </dd>
                </div>
              ))}
          </dl>
          <h3 style={{ marginTop: 12 }}>Leases</h3>
          {overview.leases.length === 0 ? (
            <p className="help">No job is pending or running.</p>
          ) : (
            <ul className="plain-list">
              {overview.leases.map((l) => (
                <li key={l.jobId}>
                  <JobStatusBadge status={l.status} />{" "}
                  <Link href={`/jobs/${l.jobId}`}>Job {shortId(l.jobId)}</Link>{" "}
                  {l.owner ? (
                    <>
                      held by <span className="mono">{l.owner}</span>,{" "}
                      {l.expired ? (
                        <span className="status-error">lease expired</span>
                      ) : (
                        <>
                          until <RelativeTime ms={l.expiresAt} />
                        </>
                      )}
                    </>
                  ) : (
                    "waiting for a worker"
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      <ExportCharts
        jobs={overview.jobs}
        now={overview.now}
        policies={overview.policies.map((p) => p.policyId)}
      />
    </>
  );
}
