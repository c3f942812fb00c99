// A throwaway TLS certificate for the loopback test SMTP server: CN=localhost with the SANs
// localhost and 127.0.0.1, made with openssl at test time (once per process).

import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

export type TestCertificate = { key: string; cert: string };

let cached: Promise<TestCertificate> | undefined;

async function generate(): Promise<TestCertificate> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "custodian-smtp-cert-"));
  try {
    const key = path.join(dir, "key.pem");
    const cert = path.join(dir, "cert.pem");
    await promisify(execFile)("openssl", [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "2",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
    ]);
    return { key: await readFile(key, "utf8"), cert: await readFile(cert, "utf8") };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function testCertificate(): Promise<TestCertificate> {
  cached ??= generate();
  return cached;
}
