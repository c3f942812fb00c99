/** Shown at once while a console page loads on the server (route change feedback). */
export default function Loading() {
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
