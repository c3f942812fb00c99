import { formatBytes } from "./format.ts";

/** A download of an export file; with its size and the time the link stops working when known. */
export function DownloadLink({
  href,
  label = "Download",
  size,
  expiresAt,
  expired,
}: {
  href: string;
  label?: string;
  size?: number | null;
  expiresAt?: number | null;
  expired?: boolean;
}) {
  if (expired) return <span className="muted">Expired</span>;
  return (
    <span className="download-link">
      <a href={href} download>
        {label}
      </a>
      {size != null && size > 0 && <span className="muted"> ({formatBytes(size)})</span>}
      {expiresAt != null && (
        <span className="muted"> until {new Date(expiresAt).toLocaleDateString()}</span>
      )}
    </span>
  );
}
