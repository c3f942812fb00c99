import { derivedId } from "../../ids/ids.ts";
import { sameRow, type Row } from "./row-tables.ts";

export type PostWrite =
  | { kind: "insert"; row: Row }
  | { kind: "unchanged" }
  | { kind: "stored-is-newer"; storedUpdateAt: number }
  /** `version`: the stored text kept as an earlier version, exactly as an edit keeps it. */
  | { kind: "update"; row: Row; guard: number; version?: Row };

/**
 * What writing a post record does to the stored row with its id (issue 8 §1: ingest never destroys
 * archived text, and a replay writes nothing, since every write is a new version in the change feed).
 *
 * - Nothing stored: insert.
 * - The stored row is newer (later update_at): keep it.
 * - An edit time, once stored, is never lost (Mattermost's EditAt only grows), so a replay of the
 *   record that first replaced the text compares equal; equal rows are not written at all.
 * - A different message: the stored row is kept as an earlier version — a copy with a derived id,
 *   `original_id` = the post, `delete_at = update_at = the change's time` — and the live row gets
 *   the new text with `edit_at` at least that time, so the export labels the pair
 *   EditedOriginalMsg / EditedNewMsg, also when update_at did not move. The change's time is the
 *   record's edit_at when that lies after the stored row's update_at (the edit the record reports),
 *   else its update_at.
 */
export function decidePostWrite(stored: Row | undefined, incoming: Row): PostWrite {
  if (!stored) return { kind: "insert", row: incoming };
  const storedUpdateAt = stored.updateAt as number;
  const updateAt = incoming.updateAt as number;
  if (storedUpdateAt > updateAt) return { kind: "stored-is-newer", storedUpdateAt };
  const row: Row = {
    ...incoming,
    editAt: Math.max(incoming.editAt as number, stored.editAt as number),
  };
  if (sameRow(stored, row)) return { kind: "unchanged" };
  if (row.message === stored.message) return { kind: "update", row, guard: storedUpdateAt };

  const editAt = incoming.editAt as number;
  const changedAt = editAt > storedUpdateAt && editAt <= updateAt ? editAt : updateAt;
  const version: Row = {
    ...stored,
    id: replacedVersionId(stored.id as string, changedAt, stored.message as string),
    originalId: (stored.originalId as string) || (stored.id as string),
    deleteAt: changedAt,
    updateAt: changedAt,
  };
  return {
    kind: "update",
    row: { ...row, editAt: Math.max(row.editAt as number, changedAt) },
    guard: storedUpdateAt,
    version,
  };
}

/** The id of the row keeping a replaced text: the same for the same post, time and text, so replays add nothing. */
export function replacedVersionId(postId: string, changedAt: number, message: string): string {
  return derivedId("post-replaced", postId, changedAt, message);
}
