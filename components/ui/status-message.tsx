export type Status = { kind: "ok" | "error"; text: string };

/** One status line: polite for success, an alert for failures. Renders nothing without a status. */
export function StatusMessage({ status, id }: { status?: Status | null; id?: string }) {
  if (!status) return null;
  return status.kind === "ok" ? (
    <p role="status" id={id} className="status-ok">
      {status.text}
    </p>
  ) : (
    <p role="alert" id={id} className="status-error">
      {status.text}
    </p>
  );
}
