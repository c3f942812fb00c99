import { S3Client } from "@aws-sdk/client-s3";
import type { S3Config } from "../schema.ts";

/**
 * An S3 client for a target. A custom endpoint (MinIO, Ceph, …) gets checksums only where the API
 * requires them: the SDK's default CRC32 trailers on every upload are refused by many S3-compatible
 * servers. AWS itself keeps the SDK's defaults.
 */
export function createS3Client(config: S3Config, secretAccessKey: string): S3Client {
  const custom = config.endpoint !== "";
  return new S3Client({
    region: config.region,
    ...(custom ? { endpoint: config.endpoint } : {}),
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey },
    requestChecksumCalculation: custom ? "WHEN_REQUIRED" : "WHEN_SUPPORTED",
    responseChecksumValidation: custom ? "WHEN_REQUIRED" : "WHEN_SUPPORTED",
    maxAttempts: 3,
  });
}

/** An SDK error's S3 code or HTTP status, for the few cases handled (not found, not implemented). */
export function s3ErrorCode(error: unknown): { name: string; status: number } {
  const e = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return { name: e?.Code ?? e?.name ?? "", status: e?.$metadata?.httpStatusCode ?? 0 };
}

export function isNotFound(error: unknown): boolean {
  const { name, status } = s3ErrorCode(error);
  return status === 404 || name === "NoSuchKey" || name === "NotFound";
}
