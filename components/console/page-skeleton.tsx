/** What a console page shows while it loads on the server (its route's loading.tsx). */
export function PageSkeleton() {
  return (
    <div role="status" aria-live="polite" aria-busy="true">
      <span className="visually-hidden">Loading…</span>
      <div className="skeleton" style={{ width: "30%", height: 24 }} />
      <div className="skeleton block" />
      <div className="skeleton" style={{ width: "80%" }} />
      <div className="skeleton" style={{ width: "60%" }} />
      <div className="skeleton block" />
    </div>
  );
}
