/** Who did it: a signed-in admin, or a component (scheduler, cli, worker, ingest). */
export type AuditActor = {
  userId: string;
  sessionId: string;
  /** The client's User-Agent, or the component's name. */
  client: string;
  ipAddress: string;
};

export function componentActor(
  component: "scheduler" | "cli" | "worker" | "ingest" | "setup",
  ipAddress = "",
): AuditActor {
  return { userId: "", sessionId: "", client: component, ipAddress };
}
