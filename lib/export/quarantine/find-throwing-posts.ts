import { Readable } from "node:stream";
import type { BatchInput, FormatWriter, ZipSink } from "../model.ts";

export type Quarantined = {
  postId: string;
  updateAt: number;
  reason: string;
  /** Workers died on it (rather than its rendering throwing). */ crashed?: boolean;
};

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
export async function findThrowingPosts(
  writer: FormatWriter,
  batch: BatchInput,
): Promise<Quarantined[]> {
  const found: Quarantined[] = [];
  for (const post of batch.posts) {
    try {
      await writer({
        batch: { ...batch, posts: [post] },
        zip: discard,
        openAttachment: async () => Readable.from([]),
      });
    } catch (error) {
      found.push({
        postId: post.id,
        updateAt: post.updateAt,
        reason: `rendering failed: ${error instanceof Error ? error.message : String(error)}`.slice(
          0,
          500,
        ),
      });
    }
  }
  return found;
}

/** The warning.txt line of a quarantined post. */
export function quarantineLine(q: Quarantined): string {
  return `Warning:Quarantined - Post: ${q.postId} - ${q.reason.replace(/[\r\n]+/g, " ")} - re-export it with export --only-quarantined once fixed`;
}

/**
 * The first batch of a job resumed after its worker died: each post is rendered alone, in memory,
 * behind a mark in the database, so a post that kills the worker is known by the next attempt; one
 * that has killed CRASHES_BEFORE_QUARANTINE workers is quarantined without rendering it again.
 * Posts whose rendering throws are quarantined as well.
 */
export async function findCrashingPosts(options: {
  writer: FormatWriter;
  batch: BatchInput;
  mark: (post: { id: string; updateAt: number }) => Promise<number>;
  clear: (postId: string) => Promise<void>;
  threshold: number;
}): Promise<Quarantined[]> {
  const found: Quarantined[] = [];
  for (const post of options.batch.posts) {
    const crashes = await options.mark(post);
    if (crashes >= options.threshold) {
      found.push({
        postId: post.id,
        updateAt: post.updateAt,
        reason: `a worker died ${crashes} times while rendering it`,
        crashed: true,
      });
      continue;
    }
    const threw = await findThrowingPosts(options.writer, { ...options.batch, posts: [post] });
    await options.clear(post.id);
    found.push(...threw);
  }
  return found;
}
