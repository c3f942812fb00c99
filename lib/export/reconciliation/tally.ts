import { z } from "zod";

const count = z.number().int().nonnegative();

/**
 * What a run has counted so far, batch by batch, kept in the plan's progress so a resumed run
 * continues the count (the reconciliation is made from it when the run finishes).
 */
export const ZTally = z.object({
  /** Source rows the pages selected, by type. */
  selected: z.object({ posts: count, editedOriginals: count, deleted: count, fileInfos: count }),
  /** Post entries prepared for the batches, by Mattermost's UpdatedType ("" is a created entry). */
  entries: z.record(z.string(), count),
  /** Selected rows that went out in a batch (for an archive mailbox: carried by an accepted email). */
  exportedPosts: count,
  attachments: z.object({ exported: count, missing: count, hashMismatched: count }),
  quarantined: count,
  /** Archive mailbox (Global Relay over SMTP) runs. */
  emails: z.object({
    built: count,
    delivered: count,
    resent: count,
    failed: count,
    failedPosts: count,
  }),
});
export type Tally = z.infer<typeof ZTally>;

export function emptyTally(): Tally {
  return {
    selected: { posts: 0, editedOriginals: 0, deleted: 0, fileInfos: 0 },
    entries: {},
    exportedPosts: 0,
    attachments: { exported: 0, missing: 0, hashMismatched: 0 },
    quarantined: 0,
    emails: { built: 0, delivered: 0, resent: 0, failed: 0, failedPosts: 0 },
  };
}

/** Adds one batch's counts to the run's. */
export function addTally(a: Tally, b: Tally): Tally {
  const entries: Record<string, number> = { ...a.entries };
  for (const [k, v] of Object.entries(b.entries)) entries[k] = (entries[k] ?? 0) + v;
  const sum = <T extends Record<string, number>>(x: T, y: T): T =>
    Object.fromEntries(Object.keys(x).map((k) => [k, x[k]! + y[k]!])) as T;
  return {
    selected: sum(a.selected, b.selected),
    entries,
    exportedPosts: a.exportedPosts + b.exportedPosts,
    attachments: sum(a.attachments, b.attachments),
    quarantined: a.quarantined + b.quarantined,
    emails: sum(a.emails, b.emails),
  };
}
