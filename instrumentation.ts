// Starts the in-process worker once per server process. Only in the Node.js runtime (the Edge
// runtime has no database drivers) and never while `next build` collects pages.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  if ((process.env.CUSTODIAN_WORKER ?? "on") === "off") return;
  const { startWorker } = await import("./lib/worker/start-worker.ts");
  startWorker();
}
