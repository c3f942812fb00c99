// The ingest worker thread (apply-ingest-body.ts): parses, validates and writes ingest request bodies
// off the server's main thread, one at a time, on this thread's own database connection. On SQLite
// it takes its turns at the write lock from the main thread's write gate (lib/db/sqlite-write-gate.ts).
import { parentPort } from "node:worker_threads";
import { setIngestTurnSource } from "../../db/sqlite-write-gate.ts";
import { DatabaseBusyError } from "../../db/write-connection.ts";
import { applyIngestText, decodeBody, type IngestBodyOutcome } from "./apply-ingest-text.ts";

export type ThreadRequest =
  { kind: "apply"; id: number; body: Uint8Array } | { kind: "turn-granted"; turn: number };
export type ThreadReply =
  | { kind: "applied"; id: number; outcome: IngestBodyOutcome }
  | {
      kind: "failed";
      id: number;
      error: { message: string; busy: boolean; retryAfterSeconds?: number };
    }
  | { kind: "turn-wanted"; turn: number }
  | { kind: "turn-ended"; turn: number };

const port = parentPort;
if (port) {
  const granted = new Map<number, (release: () => void) => void>();
  let nextTurn = 1;
  setIngestTurnSource(
    () =>
      new Promise((resolve) => {
        const turn = nextTurn++;
        granted.set(turn, resolve);
        port.postMessage({ kind: "turn-wanted", turn } satisfies ThreadReply);
      }),
  );
  port.on("message", (request: ThreadRequest) => {
    if (request.kind === "turn-granted") {
      const resolve = granted.get(request.turn);
      granted.delete(request.turn);
      resolve?.(() =>
        port.postMessage({ kind: "turn-ended", turn: request.turn } satisfies ThreadReply),
      );
      return;
    }
    void applyIngestText(decodeBody(request.body)).then(
      (outcome) =>
        port.postMessage({ kind: "applied", id: request.id, outcome } satisfies ThreadReply),
      (error: unknown) => {
        const busy = error instanceof DatabaseBusyError;
        port.postMessage({
          kind: "failed",
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
}
