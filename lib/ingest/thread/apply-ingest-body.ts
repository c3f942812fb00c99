import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { databaseProvider } from "../../db/client.ts";
import { DatabaseBusyError } from "../../db/write-connection.ts";
import { logger } from "../../log/logger.ts";
import { applyIngestText, type IngestBodyOutcome } from "./apply-ingest-text.ts";
import type { ThreadReply, ThreadRequest } from "./ingest-thread.ts";

/**
 * Applies an ingest request body (issue 11 item 6). On PostgreSQL the server does it on a worker
 * thread of its own (CUSTODIAN_INGEST_THREAD, set by scripts/start.ts to the thread's entry file), so
 * that parsing, validating and writing a maximum-size request never holds up the other requests.
 * On SQLite it is done here, validation handing the thread back every 500 records and the write in
 * one go: a write transaction on another thread would make every write of this thread (audit
 * records, the worker's job rows) wait for SQLite's lock synchronously, in its busy handler, which
 * measured far worse (docs/benchmarks.md). Without the variable (tests, the CLI) it is done here.
 */
export async function applyIngestBody(text: string): Promise<IngestBodyOutcome> {
  const entry = process.env.CUSTODIAN_INGEST_THREAD;
  if (!entry || databaseProvider() === "sqlite") return applyIngestText(text);
  return ingestThread(entry).apply(text);
}

type Pending = { resolve: (o: IngestBodyOutcome) => void; reject: (e: Error) => void };
type Thread = { entry: string; apply: (text: string) => Promise<IngestBodyOutcome> };
const globalForThread = globalThis as unknown as { custodianIngestThread?: Thread };

function ingestThread(entry: string): Thread {
  const cached = globalForThread.custodianIngestThread;
  if (cached && cached.entry === entry) return cached;
  const pending = new Map<number, Pending>();
  let worker: Worker | undefined;
  let nextId = 1;
  const start = () => {
    // The TypeScript sources (development, tests) load through tsx's loader, registered in the thread
    // itself: Node 20 resolves a worker's entry before an `--import tsx` in execArgv takes effect.
    const w = entry.endsWith(".ts")
      ? new Worker(
          `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(pathToFileURL(entry).href)}); });`,
          { eval: true },
        )
      : new Worker(entry);
    w.unref();
    w.on("message", (reply: ThreadReply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      if ("outcome" in reply) p.resolve(reply.outcome);
      else if (reply.error.busy)
        p.reject(
          Object.assign(new DatabaseBusyError(0), { message: reply.error.message.split("\n")[0] }),
        );
      else p.reject(new Error(`ingest thread: ${reply.error.message}`));
    });
    w.on("error", (error) => logger().error({ err: error }, "ingest thread failed"));
    w.on("exit", (code) => {
      // A thread that died takes its requests with it (nothing of theirs committed); the next request starts a new one.
      worker = undefined;
      for (const [id, p] of pending) {
        pending.delete(id);
        p.reject(new Error(`the ingest thread stopped (exit ${code})`));
      }
    });
    return w;
  };
  const thread: Thread = {
    entry,
    apply: (text) =>
      new Promise<IngestBodyOutcome>((resolve, reject) => {
        worker ??= start();
        const id = nextId++;
        pending.set(id, { resolve, reject });
        worker.ref(); // while a request is in flight the process waits for it
        worker.postMessage({ id, text } satisfies ThreadRequest);
      }).finally(() => {
        if (pending.size === 0) worker?.unref();
      }),
  };
  globalForThread.custodianIngestThread = thread;
  return thread;
}
