import Link from "next/link";
import type { TAuditQuery } from "@/lib/audit/schema.ts";
import type { readAuditLogPage } from "@/lib/audit/read-audit-log-page.ts";
import { RelativeTime } from "@/components/ui/relative-time.tsx";

type Props = {
  query: TAuditQuery;
  invalid: boolean;
  events: readonly string[];
  page: Awaited<ReturnType<typeof readAuditLogPage>>;
};

/** A plain GET form: filters live in the URL, so a filtered view can be bookmarked and shared. */
export function AuditLogView({ query, invalid, events, page }: Props) {
  const params = new URLSearchParams(
    Object.entries(query)
      .filter(([k, v]) => v !== undefined && k !== "before" && k !== "after")
      .map(([k, v]) => [k, String(v)]),
  );
  const link = (extra: Record<string, string>) => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(extra)) p.set(k, v);
    return p.toString();
  };
  const from = page.total === 0 ? 0 : page.newer + 1;
  const to = page.newer + page.rows.length;
  return (
    <>
      <form className="card" method="get" aria-label="Filter the audit log">
        {invalid && (
          <p role="alert" className="status-error">
            Some filters were not valid and were ignored.
          </p>
        )}
        <div className="filters">
          <div className="field">
            <label htmlFor="event">Event</label>
            <select id="event" name="event" defaultValue={query.event ?? ""}>
              <option value="">Any</option>
              {events.map((e) => (
                <option key={e} value={e}>
                  {e}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="actor">Actor (email or user id)</label>
            <input id="actor" name="actor" type="text" defaultValue={query.actor ?? ""} />
          </div>
          <div className="field">
            <label htmlFor="status">Status</label>
            <select id="status" name="status" defaultValue={query.status ?? ""}>
              <option value="">Any</option>
              <option value="success">success</option>
              <option value="fail">fail</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="from">From (UTC)</label>
            <input id="from" name="from" type="datetime-local" defaultValue={query.from ?? ""} />
          </div>
          <div className="field">
            <label htmlFor="to">To (UTC)</label>
            <input id="to" name="to" type="datetime-local" defaultValue={query.to ?? ""} />
          </div>
          <div className="field">
            <label htmlFor="views">Page views</label>
            <select id="views" name="views" defaultValue={query.views ?? "hide"}>
              <option value="hide">Hidden</option>
              <option value="show">Shown</option>
            </select>
          </div>
        </div>
        <div className="inline">
          <button type="submit">Filter</button>
          <a
            className="button secondary"
            href={`/api/v1/audits?${link({ download: "jsonl" })}`}
            download
          >
            Download as JSON lines
          </a>
          <a
            className="button secondary"
            href={`/api/v1/audits?${link({ download: "csv" })}`}
            download
          >
            Download as CSV
          </a>
        </div>
      </form>
      <section className="card" aria-labelledby="records-heading">
        <h2 id="records-heading">
          Records {from}–{to} of {page.total.toLocaleString("en")}
        </h2>
        <div className="table-scroll">
          <table className="stack audit-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">What happened</th>
                <th scope="col">Actor</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {page.rows.map((r) => (
                <tr key={r.id} data-id={r.id} data-event={r.event} data-status={r.status}>
                  <td data-label="When">
                    <RelativeTime ms={r.at} />
                  </td>
                  <td data-label="What">
                    <div className={r.status === "fail" ? "status-error" : undefined}>{r.line}</div>
                    <div className="muted small-text mono">
                      {r.event}
                      {r.status === "fail" ? " · fail" : ""}
                    </div>
                  </td>
                  <td data-label="Actor" className="mono-break">
                    <div title={r.actorId ? `user id ${r.actorId}` : r.client}>{r.actor}</div>
                    <div className="muted small-text">{r.ipAddress}</div>
                  </td>
                  <td data-label="Details">
                    {r.diffs.length > 0 && (
                      <table className="diff-table">
                        <caption className="visually-hidden">Settings changed</caption>
                        <thead>
                          <tr>
                            <th scope="col">Setting</th>
                            <th scope="col">Before</th>
                            <th scope="col">After</th>
                          </tr>
                        </thead>
                        <tbody>
                          {r.diffs.map((d, i) => (
                            <tr key={i}>
                              <td>{d.setting}</td>
                              <td className="mono-break">{d.before}</td>
                              <td className="mono-break">{d.after}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    )}
                    <details>
                      <summary>Raw record</summary>
                      <pre
                        className="scroll-box mono"
                        tabIndex={0}
                        aria-label={`Raw record ${r.id}`}
                      >
                        {r.json}
                      </pre>
                    </details>
                  </td>
                </tr>
              ))}
              {page.rows.length === 0 && (
                <tr>
                  <td colSpan={4} data-label="">
                    No records match.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
        <nav className="pager" aria-label="Audit log pages">
          {page.previous !== null ? (
            <Link
              className="button secondary small"
              href={`/audit-log?${link({ after: String(page.previous) })}`}
            >
              Newer
            </Link>
          ) : (
            <span className="muted">Newer</span>
          )}
          <span>
            {from}–{to} of {page.total.toLocaleString("en")}
          </span>
          {page.next !== null ? (
            <Link
              className="button secondary small"
              href={`/audit-log?${link({ before: String(page.next) })}`}
            >
              Older
            </Link>
          ) : (
            <span className="muted">Older</span>
          )}
        </nav>
      </section>
    </>
  );
}
