// A real S3-protocol server on loopback for the tests: s3rver (npm, 3.7.1) in this process, with
// its files in a temporary directory. s3rver lacks two calls Custodian makes when a job resumes —
// ListMultipartUploads and AbortMultipartUpload — so they are answered here from s3rver's own
// record of unfinished uploads (`<bucket>/._S3rver_uploads/<UploadId>/`). Everything else (PUT,
// multipart, GET, HEAD, list, delete, presigned GET) is s3rver's. s3rver checks no signatures and
// has no Object Lock: those are tested at the SDK boundary (lib/targets/s3/s3-object-lock.test.ts).
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
// @ts-expect-error s3rver ships no types
import S3rver from "s3rver";

export type TestS3Server = {
  endpoint: string;
  bucket: string;
  /** Credentials s3rver accepts (it checks none); the tests still send them. */
  accessKeyId: string;
  secretAccessKey: string;
  /** Unfinished multipart uploads in the bucket: key and upload id. */
  uploads(): Promise<Array<{ key: string; uploadId: string }>>;
  /**
   * While on, CompleteMultipartUpload requests are held unanswered (and dropped when their client
   * goes away): a writer can be killed after its parts went up, before its object exists.
   */
  holdCompletes(on: boolean): void;
  /** CompleteMultipartUpload requests held so far. */
  heldCompletes(): number;
  stop(): Promise<void>;
};

export async function startTestS3Server(options: { bucket?: string } = {}): Promise<TestS3Server> {
  const bucket = options.bucket ?? "custodian-test";
  const directory = await mkdtemp(path.join(os.tmpdir(), "custodian-s3-"));
  const s3 = new S3rver({
    directory,
    silent: process.env.S3RVER_LOG !== "1",
    configureBuckets: [{ name: bucket }],
  });
  await s3.configureBuckets();
  const handle = s3.callback() as http.RequestListener;
  const uploadsDir = (b: string) => path.join(directory, b, "._S3rver_uploads");

  const uploads = async (b = bucket) => {
    const ids = await readdir(uploadsDir(b)).catch(() => [] as string[]);
    const out: Array<{ key: string; uploadId: string }> = [];
    for (const uploadId of ids) {
      const key = await readFile(path.join(uploadsDir(b), uploadId, "key"), "utf8").catch(
        () => null,
      );
      if (key !== null) out.push({ key, uploadId });
    }
    return out.sort((a, c) => (a.key < c.key ? -1 : 1));
  };

  let hold = false;
  let held = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (hold && req.method === "POST" && url.searchParams.has("uploadId")) {
      held++;
      req.resume();
      return;
    }
    const [, b, ...rest] = url.pathname.split("/");
    if (req.method === "GET" && b && rest.join("") === "" && url.searchParams.has("uploads")) {
      void listUploads(b, url.searchParams.get("prefix") ?? "", res);
      return;
    }
    const uploadId = url.searchParams.get("uploadId");
    if (req.method === "DELETE" && b && uploadId && /^[0-9a-f]+$/.test(uploadId)) {
      void rm(path.join(uploadsDir(b), uploadId), { recursive: true, force: true }).then(() => {
        res.writeHead(204).end();
      });
      return;
    }
    handle(req, res);
  });

  async function listUploads(b: string, prefix: string, res: http.ServerResponse) {
    const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    const items = (await uploads(b)).filter((u) => u.key.startsWith(prefix));
    const xml =
      `<?xml version="1.0" encoding="UTF-8"?><ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
      `<Bucket>${esc(b)}</Bucket><Prefix>${esc(prefix)}</Prefix><IsTruncated>false</IsTruncated>` +
      items
        .map((u) => `<Upload><Key>${esc(u.key)}</Key><UploadId>${u.uploadId}</UploadId></Upload>`)
        .join("") +
      `</ListMultipartUploadsResult>`;
    res.writeHead(200, { "Content-Type": "application/xml" }).end(xml);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    uploads: () => uploads(),
    holdCompletes: (on) => {
      hold = on;
    },
    heldCompletes: () => held,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(directory, { recursive: true, force: true });
    },
  };
}
