import type { TAuditQuery } from "@/lib/audit/schema.ts";

type Props = { query: TAuditQuery; invalid: boolean; events: readonly string[]; records: Array<{ id: number; json: string }>; next: number | null };

/** A plain GET form: filters live in the URL, so a filtered view can be bookmarked and shared. */
export function AuditLogView({ query, invalid, events, records, next }: Props) {
  const params = new URLSearchParams(Object.entries(query).filter(([k, v]) => v !== undefined && k !== "before").map(([k, v]) => [k, String(v)]));
  const download = new URLSearchParams(params);
  download.set("download", "jsonl");
  const nextParams = new URLSearchParams(params);
  if (next) nextParams.set("before", String(next));
  return (
    <>
      <form className="card" method="get" aria-label="Filter the audit log">
        {invalid && <p role="alert" className="status-error">Some filters were not valid and were ignored.</p>}
        <div className="inline">
          <div className="field">
            <label htmlFor="event">Event</label>
            <select id="event" name="event" defaultValue={query.event ?? ""}>
              <option value="">Any</option>
              {events.map((e) => <option key={e} value={e}>{e}</option>)}
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
        </div>
        <div className="inline">
          <button type="submit">Filter</button>
          <a className="button secondary" href={`/api/v1/audits?${download.toString()}`} download>Download as JSON lines</a>
        </div>
      </form>
      <section className="card" aria-label="Audit records">
        <table>
          <thead>
            <tr><th scope="col">Time (UTC)</th><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Actor</th><th scope="col">Record</th></tr>
          </thead>
          <tbody>
            {records.map((r) => {
              const rec = JSON.parse(r.json) as { timestamp: string; event_name: string; status: string; actor: { user_id: string; client: string; ip_address: string } };
              return (
                <tr key={r.id} data-event={rec.event_name} data-status={rec.status}>
                  <td className="mono">{rec.timestamp}</td>
                  <td>{rec.event_name}</td>
                  <td className={rec.status === "fail" ? "status-error" : undefined}>{rec.status}</td>
                  <td><div className="mono">{rec.actor.user_id || rec.actor.client}</div><div className="help">{rec.actor.ip_address}</div></td>
                  <td>
                    <details>
                      <summary>Full record</summary>
                      <pre className="mono" style={{ whiteSpace: "pre-wrap", maxWidth: 520 }}>{JSON.stringify(JSON.parse(r.json), null, 2)}</pre>
                    </details>
                  </td>
                </tr>
              );
            })}
            {records.length === 0 && <tr><td colSpan={5}>No records match.</td></tr>}
          </tbody>
        </table>
        {next && <p><a href={`/audit-log?${nextParams.toString()}`}>Older records</a></p>}
      </section>
    </>
  );
}
