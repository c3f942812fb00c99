// `npm run bench:crypto` (and part of `npm run bench`): throughput of the attachment store's
// encryption on one generated file of BENCH_CRYPTO_MB (default 256) MB — storing it (encrypt +
// fsync) beside a plain copy, and reading it back the ways an export can: the chosen verify pass +
// decrypting pass, a single unverified pass (for reference only), the rejected "decrypt to a temp
// file" alternative, and the ciphertext as it is (decrypt off). Reads come from the page cache.
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { open, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";

export type CryptoBenchRow = { name: string; mb: number; seconds: number };

export async function runCryptoBench(
  mb = Number(process.env.BENCH_CRYPTO_MB ?? 256),
): Promise<CryptoBenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "custodian-bench-crypto-"));
  process.env.DATABASE_URL = `file:${path.join(dir, "bench.db")}`;
  process.env.CUSTODIAN_DATA_DIR = dir;
  process.env.LOG_LEVEL = "error";
  const { resetEnvForTests } = await import("../lib/config/env.ts");
  resetEnvForTests();
  const { migrate } = await import("../lib/db/migrate.ts");
  const { disconnectDb } = await import("../lib/db/client.ts");
  const { storePath, storeTmpDir, writeFileBytes } = await import("../lib/ingest/file-store.ts");
  const { openPlaintext } = await import("../lib/encryption/stored-file.ts");
  const { openCiphertext } = await import("../lib/encryption/open-ciphertext.ts");
  await migrate(process.env.DATABASE_URL);

  const source = path.join(dir, "source.bin");
  const chunk = randomBytes(1 << 20);
  await pipeline(
    Readable.from(
      (function* () {
        for (let i = 0; i < mb; i++) yield chunk;
      })(),
    ),
    createWriteStream(source),
  );
  const sink = () => new Writable({ write: (_c, _e, done) => done() });
  const rows: CryptoBenchRow[] = [];
  const time = async (name: string, run: () => Promise<void>) => {
    const t = performance.now();
    await run();
    rows.push({ name, mb, seconds: (performance.now() - t) / 1000 });
  };
  try {
    const plainCopy = path.join(dir, "plain-copy.bin");
    await time("store: plain copy + fsync (no encryption, for comparison)", async () => {
      await pipeline(createReadStream(source), createWriteStream(plainCopy));
      const h = await open(plainCopy, "r+");
      await h.sync().finally(() => h.close());
    });
    let storeKey = "";
    await time("store: encrypt (AES-256-GCM) + fsync, writeFileBytes", async () => {
      storeKey = (await writeFileBytes({ fileId: "bench", source: createReadStream(source) }))
        .storeKey;
    });
    const stored = storePath(storeKey);
    await time("read: plaintext file as it is (for comparison)", () =>
      pipeline(createReadStream(plainCopy), sink()),
    );
    await time("read, decrypt on: verify pass + decrypting pass (chosen)", async () =>
      pipeline(await openPlaintext(stored), sink()),
    );
    await time("read: one decrypting pass, unverified (reference only)", async () =>
      pipeline(await openPlaintext(stored, { verify: false }), sink()),
    );
    await time("read: decrypt to a temp file, then read it (rejected)", async () => {
      const tmp = path.join(dir, "decrypted.tmp");
      await pipeline(await openPlaintext(stored, { verify: false }), createWriteStream(tmp));
      await pipeline(createReadStream(tmp), sink());
      await rm(tmp);
    });
    await time("read, decrypt off: verify pass + ciphertext as it is", async () =>
      pipeline(await openCiphertext(stored, { tmpDir: storeTmpDir() }), sink()),
    );
  } finally {
    await disconnectDb();
    if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

export function printCryptoTable(rows: CryptoBenchRow[]): void {
  console.log(`\n| attachment store (${rows[0]?.mb ?? 0} MB file) | seconds | MB/s |`);
  console.log(`|---|---|---|`);
  for (const r of rows)
    console.log(`| ${r.name} | ${r.seconds.toFixed(2)} | ${Math.round(r.mb / r.seconds)} |`);
}

if (import.meta.url === `file://${process.argv[1]}`) printCryptoTable(await runCryptoBench());
