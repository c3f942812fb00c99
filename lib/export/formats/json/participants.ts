// Who was in a conversation during a batch: the member-history rows that bear on the batch window
// (the shared rawJoinsAndLeaves filter, EXPORT-FORMATS.md §3.5 step 1) plus the batch's post
// authors. Only real history is reported: an author without a history row gets an empty history
// rather than the synthetic join the XML formats invent.

import type { BatchInput } from "../../model.ts";
import { compareByteOrder } from "../../prepare/byte-order.ts";
import { rawJoinsAndLeaves, type ChannelMember } from "../../prepare/joins-leaves.ts";
import type { PostEntry } from "../../prepare/types.ts";
import { cleanId, cleanName } from "./safe-names.ts";
import type { JsonMembershipEvent, JsonParticipant } from "./types.ts";
import { isoUtc } from "./zoned-date.ts";

/** The authors of a channel's entries, by user id (the last post's details win, as in prepareBatch). */
export function authorsOf(entries: readonly PostEntry[]): Map<string, ChannelMember> {
  const authors = new Map<string, ChannelMember>();
  for (const e of entries) {
    const p = e.post;
    authors.set(p.userId, {
      userId: p.userId,
      email: p.userEmail,
      username: p.username,
      isBot: p.isBot,
    });
  }
  return authors;
}

function event(kind: JsonMembershipEvent["event"], at: number): JsonMembershipEvent {
  return { event: kind, at: isoUtc(at), atMs: at };
}

export function participantsOf(
  batch: BatchInput,
  channelId: string,
  authors: ReadonlyMap<string, ChannelMember>,
): JsonParticipant[] {
  const { joins, leaves } = rawJoinsAndLeaves(
    batch.batchStart,
    batch.batchEnd,
    batch.memberHistory.get(channelId),
    [],
  );
  const byId = new Map<string, JsonParticipant>();
  const person = (who: ChannelMember): JsonParticipant => {
    let p = byId.get(who.userId);
    if (p === undefined) {
      p = { id: who.userId, username: who.username, email: who.email, bot: who.isBot, history: [] };
      byId.set(who.userId, p);
    }
    return p;
  };
  for (const j of joins) person(j).history.push(event("joined", j.time));
  for (const l of leaves) person(l).history.push(event("left", l.time));
  for (const a of authors.values()) person(a);
  const participants = [...byId.values()].sort((a, b) => compareByteOrder(a.id, b.id));
  for (const p of participants) {
    // A join and a leave in the same millisecond: the join first.
    p.history.sort(
      (a, b) => a.atMs - b.atMs || (a.event === b.event ? 0 : a.event === "joined" ? -1 : 1),
    );
  }
  return participants;
}

/**
 * The name a people chat's folder is derived from: the usernames of everyone in its member history
 * for the whole job window (so every batch of a job names it alike) and of the batch's authors,
 * each made safe (else the user id), sorted, comma-separated.
 */
export function peopleChatName(
  batch: BatchInput,
  channelId: string,
  authors: ReadonlyMap<string, ChannelMember>,
): string {
  const names = new Set<string>();
  const add = (username: string, userId: string) =>
    names.add(cleanName(username, 60) || cleanId(userId));
  for (const row of batch.memberHistory.get(channelId) ?? []) add(row.username, row.userId);
  for (const a of authors.values()) add(a.username, a.userId);
  return [...names].sort(compareByteOrder).join(", ");
}
