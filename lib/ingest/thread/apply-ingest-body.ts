import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { writeGate } from "../../db/sqlite-write-gate.ts";
import { DatabaseBusyError } from "../../db/write-connection.ts";
import { logger } from "../../log/logger.ts";
import { applyIngestText, decodeBody, type IngestBodyOutcome } from "./apply-ingest-text.ts";
import type { ThreadReply, ThreadRequest } from "./ingest-thread.ts";

/**
 * Applies an ingest request body (issue 11 item 6). The server does it on a worker thread of its own
 * (CUSTODIAN_INGEST_THREAD, set by scripts/start.ts to the thread's entry file), so that parsing,
 * validating and writing a maximum-size request never holds up the other requests. On SQLite the
 * thread's transaction takes the process's write gate first (lib/db/sqlite-write-gate.ts): while it
 * holds SQLite's one write lock the main thread's writes wait asynchronously instead of in SQLite's
 * busy handler, which would block the thread. Without the variable (tests, the CLI) it is done here.
 */
export async function applyIngestBody(body: Uint8Array): Promise<IngestBodyOutcome> {
  const entry = process.env.CUSTODIAN_INGEST_THREAD;
  if (!entry) return applyIngestText(decodeBody(body));
  return ingestThread(entry).apply(body);
}

type Pending = { resolve: (o: IngestBodyOutcome) => void; reject: (e: Error) => void };
type Thread = { entry: string; apply: (body: Uint8Array) => Promise<IngestBodyOutcome> };
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
    const turns = new Map<number, () => void>();
    let exited = false;
    w.on("message", (reply: ThreadReply) => {
      if (reply.kind === "turn-wanted") {
        void writeGate()
          .acquireForIngest()
          .then((release) => {
            if (exited) return release();
            turns.set(reply.turn, release);
            w.postMessage({ kind: "turn-granted", turn: reply.turn } satisfies ThreadRequest);
          });
        return;
      }
      if (reply.kind === "turn-ended") {
        turns.get(reply.turn)?.();
        turns.delete(reply.turn);
        return;
      }
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      if (reply.kind === "applied") p.resolve(reply.outcome);
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
      exited = true;
      for (const release of turns.values()) release();
      turns.clear();
      for (const [id, p] of pending) {
        pending.delete(id);
        p.reject(new Error(`the ingest thread stopped (exit ${code})`));
      }
    });
    return w;
  };
  const thread: Thread = {
    entry,
    apply: (body) =>
      new Promise<IngestBodyOutcome>((resolve, reject) => {
        worker ??= start();
        const id = nextId++;
        pending.set(id, { resolve, reject });
        worker.ref(); // while a request is in flight the process waits for it
        // The bytes move to the thread (transferred, not copied) when they own their buffer.
        const own = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
        worker.postMessage(
          { kind: "apply", id, body } satisfies ThreadRequest,
          own ? [body.buffer as ArrayBuffer] : [],
        );
      }).finally(() => {
        if (pending.size === 0) worker?.unref();
      }),
  };
  globalForThread.custodianIngestThread = thread;
  return thread;
}
