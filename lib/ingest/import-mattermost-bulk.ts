import {
  applyRecordStream,
  type ApplyStreamOptions,
  type SourceItem,
} from "./apply-record-stream.ts";
import {
  channelId,
  convertBulkLine,
  directChannelId,
  type BulkContext,
} from "./mattermost-bulk.ts";
import { readLines } from "./read-lines.ts";
import type { ApplyResult } from "./types.ts";

/**
 * `npm run cli -- import-mattermost`: a Mattermost bulk export (JSON lines), all or nothing, with
 * attachments from filesDir. Reads the file three times (channel first-post times, validate,
 * write), so memory stays bounded by the number of channels, not posts.
 */
export async function importMattermostBulk(options: {
  file: string;
  filesDir?: string;
  onProgress?: ApplyStreamOptions["onProgress"];
}): Promise<ApplyResult> {
  const firstPostAt = await scanChannelFirstPosts(options.file);
  return applyRecordStream({
    open: () =>
      readBulkRecords(options.file, {
        filesDir: options.filesDir,
        firstPostAt,
        sawVersion: false,
        directChannels: new Set(),
      }),
    filesDir: options.filesDir,
    missingFiles: "warn",
    onProgress: options.onProgress,
  });
}

async function* readBulkRecords(file: string, context: BulkContext): AsyncGenerator<SourceItem> {
  let sawLine = false;
  for await (const line of readLines(file)) {
    if ("problem" in line) {
      yield { index: line.lineNumber, problem: { field: "line", message: line.problem } };
      continue;
    }
    if (line.text.trim() === "") continue;
    sawLine = true;
    let value: unknown;
    try {
      value = JSON.parse(line.text);
    } catch (error) {
      yield {
        index: line.lineNumber,
        problem: { field: "json", message: `is not valid JSON: ${(error as Error).message}` },
      };
      continue;
    }
    yield* await convertBulkLine(value, line.lineNumber, context);
  }
  if (!sawLine)
    yield {
      index: 1,
      problem: { field: "file", message: "is empty; a bulk export starts with a version line" },
    };
}

/** Channel id → earliest post (or reply) create_at in the file; lines that do not parse are left to validation. */
async function scanChannelFirstPosts(file: string): Promise<Map<string, number>> {
  const first = new Map<string, number>();
  for await (const line of readLines(file)) {
    if ("problem" in line || !/"(direct_)?post"/.test(line.text)) continue;
    try {
      const value = JSON.parse(line.text) as {
        type?: string;
        post?: {
          team?: string;
          channel?: string;
          create_at?: unknown;
          replies?: Array<{ create_at?: unknown }>;
        };
        direct_post?: {
          channel_members?: string[];
          create_at?: unknown;
          replies?: Array<{ create_at?: unknown }>;
        };
      };
      let id: string;
      let body: { create_at?: unknown; replies?: Array<{ create_at?: unknown }> } | undefined;
      if (
        value.type === "post" &&
        value.post &&
        typeof value.post.team === "string" &&
        typeof value.post.channel === "string"
      ) {
        id = channelId(value.post.team, value.post.channel);
        body = value.post;
      } else if (
        value.type === "direct_post" &&
        Array.isArray(value.direct_post?.channel_members)
      ) {
        id = directChannelId(value.direct_post.channel_members.map(String));
        body = value.direct_post;
      } else continue;
      for (const raw of [body.create_at, ...(body.replies ?? []).map((r) => r.create_at)]) {
        const t = typeof raw === "string" && /^\d{1,16}$/.test(raw) ? Number(raw) : raw;
        if (typeof t !== "number" || !Number.isSafeInteger(t) || t < 0) continue;
        if (t < (first.get(id) ?? Infinity)) first.set(id, t);
      }
    } catch {
      // reported by the validation pass
    }
  }
  return first;
}
