import { Readable } from "node:stream";
import type { BatchInput, FormatWriter, ZipSink } from "../model.ts";

export type Quarantined = { postId: string; updateAt: number; reason: string };

const discard: ZipSink = {
  addText: async () => {},
  addStream: async (_name, source) => {
    (source as Readable).resume?.();
  },
  addEmail: async () => {},
};

/**
 * After a batch's writer threw: renders each post of the batch alone, in memory, into nothing (no
 * attachment is read), and names the posts whose rendering throws. None means the failure was not
 * a post's (the store, the network): the caller rethrows it.
 */
export async function findThrowingPosts(writer: FormatWriter, batch: BatchInput): Promise<Quarantined[]> {
  const found: Quarantined[] = [];
  for (const post of batch.posts) {
    try {
      await writer({ batch: { ...batch, posts: [post] }, zip: discard, openAttachment: async () => Readable.from([]) });
    } catch (error) {
      found.push({ postId: post.id, updateAt: post.updateAt, reason: `rendering failed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500) });
    }
  }
  return found;
}

/** The warning.txt line of a quarantined post. */
export function quarantineLine(q: Quarantined): string {
  return `Warning:Quarantined - Post: ${q.postId} - ${q.reason.replace(/[\r\n]+/g, " ")} - re-export it with export --only-quarantined once fixed`;
}
