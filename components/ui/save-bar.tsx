import { StatusMessage, type Status } from "./status-message.tsx";

/** The sticky bar at the foot of a settings form: Save (busy while saving), unsaved hint, result. */
export function SaveBar({
  dirty,
  saving,
  status,
  label = "Save",
}: {
  dirty: boolean;
  saving: boolean;
  status?: Status | null;
  label?: string;
}) {
  return (
    <div className="savebar">
      <button type="submit" disabled={saving || !dirty} aria-busy={saving || undefined}>
        {saving ? "Saving…" : label}
      </button>
      {dirty && !saving && <span className="help">You have unsaved changes.</span>}
      <StatusMessage status={status} />
    </div>
  );
}
