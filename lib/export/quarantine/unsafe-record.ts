import type { ExportFileInfo, ExportPost } from "../model.ts";
import { isSafeId, unsafePathProblem } from "../../ingest/schema.ts";

/**
 * Why a post can never be exported safely, or null: the rules ingest applies at the door (an id
 * with "/", "\" or "..", a NUL; a file path that is absolute, holds ".." or a backslash), checked
 * again on export for rows stored before ingest refused them or written around it.
 */
export function unsafeRecordReason(
  post: ExportPost,
  files: readonly ExportFileInfo[] | undefined,
): string | null {
  for (const [what, id] of [
    ["post id", post.id],
    ["channel id", post.channelId],
    ["root id", post.rootId],
    ["original id", post.originalId],
  ] as const) {
    if (id.includes("\u0000") || !isSafeId(id)) return `unsafe ${what} ${JSON.stringify(id)}`;
  }
  for (const f of files ?? []) {
    if (f.id.includes("\u0000") || !isSafeId(f.id)) return `unsafe file id ${JSON.stringify(f.id)}`;
    const problem = unsafePathProblem(f.path);
    if (problem) return `unsafe file path of file ${f.id}: ${problem}`;
  }
  return null;
}
