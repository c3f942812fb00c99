import { randomBytes } from "node:crypto";
import { PassThrough, Readable, Writable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectLegalHoldCommand,
  type PutObjectCommandInput,
  type S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { logger } from "../../log/logger.ts";
import type { S3Config } from "../schema.ts";
import type { FileTarget, StoredObject, TargetUpload } from "../target.ts";
import { isNotFound, s3ErrorCode } from "./s3-client.ts";

/** SigV4 presigned URLs live at most 7 days. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;
const PART_SIZE = 8 * 1024 * 1024;

/**
 * Exports in an S3-compatible bucket, under `<prefix><export dir>/<name>`. A file is streamed with
 * lib-storage's multipart `Upload`, but the end of its body is held back until `commit`: S3 makes
 * an object visible only when its upload completes (CompleteMultipartUpload, or the single PUT of a
 * file smaller than a part), so nothing appears under the final key before the job, still holding
 * its lease, commits. An abort (or a crash) leaves at most an unfinished multipart upload, which
 * `removePartials` aborts when the job resumes.
 */
export class S3Target implements FileTarget {
  readonly family = "files" as const;
  readonly kind = "s3" as const;

  constructor(
    readonly id: string,
    readonly label: string,
    readonly config: S3Config,
    readonly client: S3Client,
  ) {}

  /** The object key of a path inside the target; refuses paths that could leave the prefix. */
  key(relative: string): string {
    if (relative.includes("\0") || relative.startsWith("/") || relative.split("/").includes("..")) {
      throw new Error(`Refusing a path outside the target: ${JSON.stringify(relative)}`);
    }
    return `${this.config.prefix}${relative}`;
  }

  private get bucket() {
    return this.config.bucket;
  }

  /** What every object written gets: encryption, storage class, Object Lock retention. */
  private writeParams(now = new Date()): Partial<PutObjectCommandInput> {
    const c = this.config;
    return {
      ...(c.sse !== "none" ? { ServerSideEncryption: c.sse } : {}),
      ...(c.sse === "aws:kms" && c.kmsKeyId ? { SSEKMSKeyId: c.kmsKeyId } : {}),
      ...(c.storageClass
        ? { StorageClass: c.storageClass as PutObjectCommandInput["StorageClass"] }
        : {}),
      ...(c.objectLock && c.objectLockRetentionDays !== null
        ? {
            ObjectLockMode: c.objectLockMode,
            ObjectLockRetainUntilDate: new Date(
              now.getTime() + c.objectLockRetentionDays * 86_400_000,
            ),
          }
        : {}),
    };
  }

  async openWrite(relative: string): Promise<TargetUpload> {
    const Key = this.key(relative);
    const body = new PassThrough();
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key,
        Body: body,
        ContentType: contentTypeOf(relative),
        ...this.writeParams(),
      },
      partSize: PART_SIZE,
      queueSize: 2,
    });
    let failure: Error | undefined;
    const done = upload.done();
    const stream: Writable = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        if (failure) return callback(failure);
        if (body.write(chunk)) callback();
        else body.once("drain", () => callback(failure));
      },
      // The body ends at commit: ending it here would complete the upload before the job may publish.
      final(callback) {
        callback(failure);
      },
    });
    done.catch((error: Error) => {
      failure ??= error;
      stream.destroy(error);
      body.emit("drain");
    });
    return {
      stream,
      commit: async () => {
        if (failure) throw failure;
        body.end();
        await done;
      },
      abort: async () => {
        // Failing the body makes lib-storage abort the multipart upload (AbortMultipartUpload).
        failure ??= new Error("upload aborted");
        body.destroy(failure);
        stream.destroy();
        await done.catch(() => {});
      },
    };
  }

  async openRead(relative: string): Promise<Readable> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.key(relative) }),
      );
      return out.Body as Readable;
    } catch (error) {
      if (isNotFound(error))
        throw Object.assign(new Error(`No stored file ${relative}`), { code: "ENOENT" });
      throw error;
    }
  }

  async exists(relative: string): Promise<boolean> {
    try {
      await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(relative) }),
      );
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /** Every object key under `dir` (recursively when `deep`), with its size. */
  private async *objects(
    dir: string,
    deep: boolean,
  ): AsyncGenerator<{ key: string; size: number }> {
    const Prefix = `${this.key(dir)}/`;
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix,
          ContinuationToken,
          ...(deep ? {} : { Delimiter: "/" }),
        }),
      );
      for (const o of page.Contents ?? [])
        if (o.Key) yield { key: o.Key, size: Number(o.Size ?? 0) };
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  async list(dir: string): Promise<StoredObject[]> {
    const prefix = `${this.key(dir)}/`;
    const files: StoredObject[] = [];
    for await (const o of this.objects(dir, false)) {
      const name = o.key.slice(prefix.length);
      if (name && !name.startsWith(".") && !name.includes("/")) files.push({ name, size: o.size });
    }
    return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async hasDir(dir: string): Promise<boolean> {
    // One page (not MaxKeys: 1): a truncated page makes s3rver fail on its continuation token.
    const page = await this.client.send(
      new ListObjectsV2Command({
        Bucket: this.bucket,
        Prefix: `${this.key(dir)}/`,
        Delimiter: "/",
      }),
    );
    return (page.Contents?.length ?? 0) + (page.CommonPrefixes?.length ?? 0) > 0;
  }

  /** Aborts the unfinished multipart uploads under `dir` (a crashed or killed writer's parts). */
  async removePartials(dir: string): Promise<void> {
    const Prefix = `${this.key(dir)}/`;
    let KeyMarker: string | undefined;
    let UploadIdMarker: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListMultipartUploadsCommand({
            Bucket: this.bucket,
            Prefix,
            KeyMarker,
            UploadIdMarker,
          }),
        );
        for (const u of page.Uploads ?? []) {
          if (u.Key && u.UploadId)
            await this.client.send(
              new AbortMultipartUploadCommand({
                Bucket: this.bucket,
                Key: u.Key,
                UploadId: u.UploadId,
              }),
            );
        }
        KeyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
        UploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
      } while (KeyMarker);
    } catch (error) {
      // A server without ListMultipartUploads: the parts stay until the bucket's lifecycle rule
      // (AbortIncompleteMultipartUpload) removes them; they are never visible as objects.
      if (s3ErrorCode(error).name !== "NotImplemented") throw error;
      logger().warn(
        { target: this.id, prefix: Prefix },
        "the S3 server cannot list multipart uploads; unfinished parts are left to the bucket's lifecycle rules",
      );
    }
  }

  async removeDir(dir: string): Promise<void> {
    await this.removePartials(dir);
    let batch: string[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const out = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      const refused = out.Errors ?? [];
      if (refused.length)
        throw new Error(
          `The bucket refused to delete ${refused.length} object(s), first ${refused[0]!.Key}: ${refused[0]!.Code} ${refused[0]!.Message ?? ""}`.trim(),
        );
      batch = [];
    };
    for await (const o of this.objects(dir, true)) {
      batch.push(o.key);
      if (batch.length === 1000) await flush();
    }
    await flush();
  }

  async presign(
    relative: string,
    options: { ttlSeconds: number; fileName: string },
  ): Promise<string> {
    const ascii = options.fileName.replace(/[^A-Za-z0-9._-]/g, "_");
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: this.key(relative),
      ResponseContentDisposition: `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(options.fileName)}`,
      ResponseContentType: contentTypeOf(relative),
    });
    return getSignedUrl(this.client, command, {
      expiresIn: Math.max(1, Math.min(MAX_PRESIGN_SECONDS, Math.floor(options.ttlSeconds))),
    });
  }

  /** Puts (or lifts) an S3 legal hold on every object under `dir`, where the bucket has Object Lock; returns how many. */
  async setLegalHold(dir: string, on: boolean): Promise<number> {
    if (!this.config.objectLock) return 0;
    let count = 0;
    for await (const o of this.objects(dir, true)) {
      await this.client.send(
        new PutObjectLegalHoldCommand({
          Bucket: this.bucket,
          Key: o.key,
          LegalHold: { Status: on ? "ON" : "OFF" },
        }),
      );
      count++;
    }
    return count;
  }

  /** Writes, reads back and deletes a small probe object: the "Test connection" of an S3 target. */
  async probe(): Promise<{ ok: boolean; message: string }> {
    const name = `.custodian-probe-${randomBytes(6).toString("hex")}`;
    const content = `custodian probe ${new Date().toISOString()}`;
    let step = "write";
    try {
      const upload = await this.openWrite(name);
      await new Promise<void>((resolve, reject) => {
        upload.stream.once("error", reject);
        upload.stream.end(Buffer.from(content), () => resolve());
      });
      await upload.commit();
      step = "read back";
      const chunks: Buffer[] = [];
      for await (const chunk of await this.openRead(name)) chunks.push(chunk as Buffer);
      if (Buffer.concat(chunks).toString("utf8") !== content)
        return { ok: false, message: "The probe object read back differs from what was written." };
      step = "delete";
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(name) }));
      return {
        ok: true,
        message: `Wrote, read back and deleted a probe object in s3://${this.bucket}/${this.config.prefix}.`,
      };
    } catch (error) {
      const { name: code, status } = s3ErrorCode(error);
      const detail = code
        ? `${code}${status ? ` (HTTP ${status})` : ""}`
        : (error as Error).message;
      return {
        ok: false,
        message: `Could not ${step} a probe object in s3://${this.bucket}/${this.config.prefix}: ${detail}.`,
      };
    }
  }
}

function contentTypeOf(name: string): string {
  if (name.endsWith(".zip")) return "application/zip";
  if (name.endsWith(".json")) return "application/json";
  return "text/plain; charset=utf-8";
}
