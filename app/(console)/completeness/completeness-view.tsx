import type { CompletenessRow } from "@/lib/ingest/attestations/read-completeness.ts";
import type { TCompletenessQuery } from "@/lib/ingest/attestations/schema.ts";

type Props = { query: TCompletenessQuery; invalid: boolean; rows: CompletenessRow[] };

const LABEL: Record<CompletenessRow["status"], string> = {
  short: "Short",
  over: "More than attested",
  ok: "Complete",
};

/** A plain GET form (the filter lives in the URL) and the table, mismatches first. */
export function CompletenessView({ query, invalid, rows }: Props) {
  const mismatches = rows.filter((r) => r.status !== "ok").length;
  return (
    <>
      <p>
        The chat system can attest how many posts and files each channel had on a day (an{" "}
        <code>attestation</code> record, see the ingest documentation). Each attested day is
        compared with what Custodian holds for it, in the attested time zone.
      </p>
      <form className="card" method="get" aria-label="Filter attested days">
        {invalid && (
          <p role="alert" className="status-error">
            Some filters were not valid and were ignored.
          </p>
        )}
        <div className="inline">
          <div className="field">
            <label htmlFor="from">From day</label>
            <input id="from" name="from" type="date" defaultValue={query.from ?? ""} />
          </div>
          <div className="field">
            <label htmlFor="to">To day</label>
            <input id="to" name="to" type="date" defaultValue={query.to ?? ""} />
          </div>
        </div>
        <div className="inline">
          <button type="submit">Filter</button>
        </div>
      </form>
      <section className="card" aria-label="Attested channel-days">
        <p role="status">
          {rows.length === 0
            ? "No attestations in this range."
            : mismatches === 0
              ? `All ${rows.length} attested channel-days match.`
              : `${mismatches} of ${rows.length} attested channel-days do not match.`}
        </p>
        {rows.length > 0 && (
          <table>
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Day</th>
                <th scope="col">Channel</th>
                <th scope="col">Posts attested</th>
                <th scope="col">Posts received</th>
                <th scope="col">Files attested</th>
                <th scope="col">Files received</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.channelId}:${r.day}`} data-status={r.status}>
                  <td className={r.status === "ok" ? "status-ok" : "status-error"}>
                    {LABEL[r.status]}
                  </td>
                  <td className="mono">
                    {r.day} <span style={{ color: "var(--muted)" }}>({r.timeZone})</span>
                  </td>
                  <td>
                    {r.channelName}{" "}
                    <span className="mono" style={{ color: "var(--muted)" }}>
                      {r.channelId}
                    </span>
                  </td>
                  <td>{r.attested.posts}</td>
                  <td>{r.received.posts}</td>
                  <td>{r.attested.files}</td>
                  <td>{r.received.files}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
