import { Readable } from "node:stream";
import { env } from "@/lib/config/env.ts";
import { UserError } from "@/lib/errors/user-error.ts";
import { DatabaseBusyError } from "@/lib/db/write-connection.ts";
import { storeFileBytes } from "@/lib/ingest/file-store.ts";
import { jsonError, tokenRoute } from "@/app/_server/route.ts";

export const dynamic = "force-dynamic";

/** Streams an attachment's bytes into the file store (raw body); links them to its file_info. */
export const POST = tokenRoute(
  {
    audit: { event: "bulkImport", objectType: "import", apiPath: "/api/v1/ingest/files/[fileId]" },
  },
  async ({ request, params }) => {
    const fileId = params.fileId ?? "";
    if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(fileId))
      throw new UserError("The file id must be 1–64 letters, digits, or . _ : -", 400);
    if (!request.body) throw new UserError("Send the file's bytes as the request body.", 400);
    const max = env().CUSTODIAN_INGEST_MAX_FILE_BYTES;
    if (Number(request.headers.get("content-length") ?? "0") > max)
      throw new UserError(`The file is larger than the limit of ${max} bytes.`, 413);
    let stored;
    try {
      stored = await storeFileBytes({
        fileId,
        source: Readable.fromWeb(request.body as import("node:stream/web").ReadableStream),
        maxBytes: max,
      });
    } catch (error) {
      if (!(error instanceof DatabaseBusyError)) throw error;
      return {
        response: jsonError(503, error.message, undefined, {
          "Retry-After": String(error.retryAfterSeconds),
        }),
        audit: { parameters: { file_id: fileId } },
        failed: { description: error.message, status_code: 503 },
      };
    }
    return {
      response: Response.json(
        { fileId, size: stored.size, sha256: stored.sha256, linked: stored.linked },
        { status: 201 },
      ),
      audit: {
        parameters: { file_id: fileId },
        resultingState: { size: stored.size, sha256: stored.sha256, linked: stored.linked },
      },
    };
  },
);
