/** "2026-11-23 22:40:41" in the viewer's zone (shown with the zone name in a title). */
export function formatTime(ms: number | null): string {
  if (ms === null) return "—";
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "1 hour, 2 minutes", "3 seconds", "0 seconds" (Mattermost's run-time column). */
export function formatDuration(ms: number | null): string {
  if (ms === null) return "—";
  let s = Math.round(ms / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [
    ["hour", 3600],
    ["minute", 60],
    ["second", 1],
  ] as const) {
    const n = Math.floor(s / size);
    s -= n * size;
    if (n > 0) parts.push(`${n} ${unit}${n === 1 ? "" : "s"}`);
  }
  return parts.length ? parts.slice(0, 2).join(", ") : "0 seconds";
}
