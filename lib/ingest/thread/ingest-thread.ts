// The ingest worker thread (apply-ingest-body.ts): parses, validates and writes ingest request bodies
// off the server's main thread, one at a time, on this thread's own database connection.
import { parentPort } from "node:worker_threads";
import { DatabaseBusyError } from "../../db/write-connection.ts";
import { applyIngestText, type IngestBodyOutcome } from "./apply-ingest-text.ts";

export type ThreadRequest = { id: number; text: string };
export type ThreadReply =
  | { id: number; outcome: IngestBodyOutcome }
  | { id: number; error: { message: string; busy: boolean; retryAfterSeconds?: number } };

parentPort?.on("message", (request: ThreadRequest) => {
  void applyIngestText(request.text).then(
    (outcome) => parentPort!.postMessage({ id: request.id, outcome } satisfies ThreadReply),
    (error: unknown) => {
      const busy = error instanceof DatabaseBusyError;
      parentPort!.postMessage({
        id: request.id,
        error: {
          message: error instanceof Error ? (error.stack ?? error.message) : String(error),
          busy,
          retryAfterSeconds: busy ? error.retryAfterSeconds : undefined,
        },
      } satisfies ThreadReply);
    },
  );
});
