import type { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";

/**
 * SQLite has one write lock per database file, and the Prisma client of a process waits for it
 * synchronously (better-sqlite3's busy handler sleeps on the thread). The server's ingest thread
 * (lib/ingest/thread/) writes on a connection of its own; while it holds the lock, a write of the
 * main thread would freeze every request of the process. So the main thread and the ingest thread
 * take turns through this gate, and whoever waits, waits asynchronously:
 * - the ingest thread asks for the lock (`acquireForIngest`) and is let in once no Prisma
 *   transaction of the main thread is open; from the ask on, new ones wait;
 * - while it holds the lock, the main thread's writes and new transactions wait (`gatePrismaWrites`
 *   wraps the Prisma adapter); its reads go on (WAL: readers never wait for the writer).
 * Other processes (the CLI, a separate worker) still meet the lock in SQLite's busy handler.
 */
export type WriteGate = {
  /** Resolves when the ingest thread neither holds nor has asked for the lock. */
  whenOpen(): Promise<void>;
  /** A main-thread transaction starts (after the gate is open); `leave` when it ends. */
  enterTransaction(): Promise<() => void>;
  /** Waits for the main thread's open transactions, then holds the gate until `release`. */
  acquireForIngest(): Promise<() => void>;
  /** For tests and the metrics: whether the ingest side holds or waits for the gate. */
  readonly state: {
    openTransactions: number;
    /** Main-thread writes and transactions waiting for the gate. */
    waiting: number;
    ingest: "none" | "waiting" | "holding";
  };
};

export function createWriteGate(): WriteGate {
  const state: WriteGate["state"] = { openTransactions: 0, waiting: 0, ingest: "none" };
  const waitUntilOpen = async () => {
    if (!opened) return;
    state.waiting++;
    try {
      while (opened) await opened;
    } finally {
      state.waiting--;
    }
  };
  let opened: Promise<void> | undefined;
  let open = () => {};
  let drained = () => {};
  const ingestQueue: Array<() => void> = [];

  const close = () => {
    opened = new Promise<void>((resolve) => (open = resolve));
  };
  const reopen = () => {
    const wasOpen = open;
    opened = undefined;
    wasOpen();
  };
  const admitNextIngest = () => {
    const next = ingestQueue.shift();
    if (!next) {
      state.ingest = "none";
      reopen();
      return;
    }
    state.ingest = "waiting";
    if (state.openTransactions === 0) next();
    else drained = next;
  };

  return {
    state,
    whenOpen: waitUntilOpen,
    async enterTransaction() {
      await waitUntilOpen();
      state.openTransactions++;
      let left = false;
      return () => {
        if (left) return;
        left = true;
        state.openTransactions--;
        if (state.openTransactions === 0 && state.ingest === "waiting") {
          const admit = drained;
          drained = () => {};
          admit();
        }
      };
    },
    acquireForIngest() {
      return new Promise<() => void>((resolve) => {
        const admit = () => {
          state.ingest = "holding";
          let released = false;
          resolve(() => {
            if (released) return;
            released = true;
            admitNextIngest();
          });
        };
        if (state.ingest !== "none") {
          ingestQueue.push(admit);
          return;
        }
        close();
        state.ingest = "waiting";
        if (state.openTransactions === 0) admit();
        else drained = admit;
      });
    },
  };
}

const globalForGate = globalThis as unknown as { custodianWriteGate?: WriteGate };

/** This thread's gate (the main thread's is the one that matters: see above). */
export function writeGate(): WriteGate {
  return (globalForGate.custodianWriteGate ??= createWriteGate());
}

type Adapter = Awaited<ReturnType<PrismaBetterSqlite3["connect"]>>;
type Transaction = Awaited<ReturnType<Adapter["startTransaction"]>>;
type Query = Parameters<Adapter["queryRaw"]>[0];

/** A statement that only reads: everything else waits for the gate. */
function onlyReads(sql: string): boolean {
  return /^\s*SELECT\b/i.test(sql);
}

/** The Prisma SQLite adapter factory with its writes and transactions behind `gate`. */
export function gatePrismaWrites(
  factory: PrismaBetterSqlite3,
  gate: WriteGate = writeGate(),
): PrismaBetterSqlite3 {
  const gateAdapter = (adapter: Adapter): Adapter =>
    new Proxy(adapter, {
      get(target, property, receiver) {
        if (property === "queryRaw" || property === "executeRaw")
          return async (query: Query) => {
            if (!onlyReads(query.sql)) await gate.whenOpen();
            return property === "queryRaw" ? target.queryRaw(query) : target.executeRaw(query);
          };
        if (property === "executeScript")
          return async (script: string) => {
            await gate.whenOpen();
            return target.executeScript(script);
          };
        if (property === "startTransaction")
          return async (...args: Parameters<Adapter["startTransaction"]>) => {
            const leave = await gate.enterTransaction();
            try {
              return endingWith(await target.startTransaction(...args), leave);
            } catch (error) {
              leave();
              throw error;
            }
          };
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  return new Proxy(factory, {
    get(target, property, receiver) {
      if (property === "connect") return async () => gateAdapter(await target.connect());
      if (property === "connectToShadowDb")
        return async () => gateAdapter(await target.connectToShadowDb());
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function endingWith(tx: Transaction, leave: () => void): Transaction {
  return new Proxy(tx, {
    get(target, property, receiver) {
      if (property === "commit" || property === "rollback")
        return async () => {
          try {
            return await (property === "commit" ? target.commit() : target.rollback());
          } finally {
            leave();
          }
        };
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** How an ingest writer of this thread gets its turn at the lock (see setIngestTurnSource). */
type TurnSource = () => Promise<() => void>;
const globalForTurns = globalThis as unknown as { custodianIngestTurns?: TurnSource };

/** The ingest thread asks the main thread for its turns (lib/ingest/thread/ingest-thread.ts). */
export function setIngestTurnSource(source: TurnSource): void {
  globalForTurns.custodianIngestTurns = source;
}

/**
 * The ingest writer's turn at SQLite's write lock, by `deadline` (ms epoch), or undefined if the
 * gate did not open in time (a turn granted later is handed back at once). Call the function it
 * returns once the transaction has committed or rolled back.
 */
export async function takeIngestTurn(deadline: number): Promise<(() => void) | undefined> {
  const source = globalForTurns.custodianIngestTurns ?? (() => writeGate().acquireForIngest());
  const granted = source();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>(
    (resolve) => (timer = setTimeout(() => resolve(undefined), Math.max(0, deadline - Date.now()))),
  );
  try {
    const release = await Promise.race([granted, late]);
    if (!release) void granted.then((turn) => turn());
    return release;
  } finally {
    clearTimeout(timer);
  }
}
