/** "2025-04-30 16:18:30.803 Z", the timestamp form of Mattermost's audit records. */
export function formatAuditTimestamp(date: Date): string {
  return date.toISOString().replace("T", " ").replace("Z", " Z");
}
