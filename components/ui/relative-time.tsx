"use client";

import { useEffect, useState } from "react";
import { formatAbsolute, formatRelative } from "./format.ts";
import { Tooltip } from "./tooltip.tsx";

/**
 * "3 minutes ago" with the absolute time in the viewer's zone on hover or focus. The server and
 * the first client render show the UTC time (they cannot know the viewer's zone or agree on "now"),
 * then the browser switches to the relative form and keeps it current.
 */
export function RelativeTime({ ms }: { ms: number | null }) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  if (ms === null) return <span className="muted">—</span>;
  const iso = new Date(ms).toISOString();
  if (now === null) return <time dateTime={iso}>{iso.slice(0, 16).replace("T", " ")} UTC</time>;
  return (
    <Tooltip content={formatAbsolute(ms)}>
      <time
        dateTime={iso}
        tabIndex={0}
        className="relative-time"
        data-absolute={formatAbsolute(ms)}
      >
        {formatRelative(ms, now)}
      </time>
    </Tooltip>
  );
}
