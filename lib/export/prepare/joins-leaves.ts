// Joins and leaves of one channel for one batch window [S, E] (EXPORT-FORMATS.md §3.5 steps 1-5;
// Mattermost's shared.GetJoinsAndLeavesForChannel + getJoinsAndLeaves). Pure functions.

import type { MemberHistoryRow } from "../model.ts";
import { compareByteOrder } from "./byte-order.ts";
import { userTypeOf } from "./post-entries.ts";
import type { JoinEvent, LeaveEvent, UserType } from "./types.ts";

/** A post author of the channel in this batch (last post of the user wins). */
export type ChannelMember = { userId: string; email: string; username: string; isBot: boolean };

export type RawMemberEvent = {
  userId: string;
  email: string;
  username: string;
  isBot: boolean;
  time: number;
};

/** Whether any history row joins or leaves inside [start, end] (both ends inclusive). */
export function channelHasActivity(
  rows: readonly MemberHistoryRow[] | undefined,
  start: number,
  end: number,
): boolean {
  for (const row of rows ?? []) {
    if (row.joinTime >= start && row.joinTime <= end) return true;
    if (row.leaveTime !== null && row.leaveTime >= start && row.leaveTime <= end) return true;
  }
  return false;
}

/**
 * Steps 1-2: a join per history row overlapping the window (a leave too when it falls inside it),
 * then a synthetic join at `start` for every post author without one.
 */
export function rawJoinsAndLeaves(
  start: number,
  end: number,
  rows: readonly MemberHistoryRow[] | undefined,
  postAuthors: Iterable<ChannelMember> | undefined,
): { joins: RawMemberEvent[]; leaves: RawMemberEvent[] } {
  const joins: RawMemberEvent[] = [];
  const leaves: RawMemberEvent[] = [];
  const joined = new Set<string>();
  for (const row of rows ?? []) {
    if (row.userDeleteAt > 0 && row.userDeleteAt < start) continue;
    if (row.joinTime > end) continue;
    if (row.leaveTime !== null && row.leaveTime < start) continue;
    const who = { userId: row.userId, email: row.email, username: row.username, isBot: row.isBot };
    joins.push({ ...who, time: row.joinTime });
    joined.add(row.userId);
    if (row.leaveTime !== null && row.leaveTime <= end)
      leaves.push({ ...who, time: row.leaveTime });
  }
  for (const author of postAuthors ?? []) {
    if (joined.has(author.userId)) continue;
    joins.push({
      userId: author.userId,
      email: author.email,
      username: author.username,
      isBot: author.isBot,
      time: start,
    });
  }
  return { joins, leaves };
}

function byTimeThenEmail<T>(
  time: (x: T) => number,
  email: (x: T) => string,
): (a: T, b: T) => number {
  return (a, b) => time(a) - time(b) || compareByteOrder(email(a), email(b));
}

/**
 * Steps 3-5: joins de-duplicated by user id (last row wins, keeping its first position), each
 * carrying the user's last leave (else `end`); a closed-out leave at `end` for every email still in
 * the channel; both lists stably sorted by (time, email byte order).
 */
export function joinsAndLeavesForChannel(
  start: number,
  end: number,
  rows: readonly MemberHistoryRow[] | undefined,
  postAuthors: Iterable<ChannelMember> | undefined,
): { joins: JoinEvent[]; leaves: LeaveEvent[] } {
  const raw = rawJoinsAndLeaves(start, end, rows, postAuthors);
  const joinsById = new Map<string, JoinEvent>();
  type Still = { time: number; userType: UserType; userId: string; username: string };
  const stillMember = new Map<string, Still>();
  for (const join of raw.joins) {
    const userType = userTypeOf(join.isBot);
    joinsById.set(join.userId, {
      userId: join.userId,
      username: join.username,
      email: join.email,
      userType,
      joinTime: join.time,
      leaveTime: end,
    });
    const known = stillMember.get(join.email);
    if (known === undefined || join.time > known.time) {
      stillMember.set(join.email, {
        time: join.time,
        userType,
        userId: join.userId,
        username: join.username,
      });
    }
  }
  const leaves: LeaveEvent[] = [];
  for (const leave of raw.leaves) {
    leaves.push({
      userId: leave.userId,
      username: leave.username,
      email: leave.email,
      userType: userTypeOf(leave.isBot),
      leaveTime: leave.time,
      closedOut: false,
    });
    // Go reads a missing map entry as time 0.
    if (leave.time > (stillMember.get(leave.email)?.time ?? 0)) stillMember.delete(leave.email);
    const join = joinsById.get(leave.userId);
    if (join !== undefined) join.leaveTime = leave.time;
  }
  for (const [email, still] of stillMember) {
    leaves.push({
      userId: still.userId,
      username: still.username,
      email,
      userType: still.userType,
      leaveTime: end,
      closedOut: true,
    });
  }
  const joins = [...joinsById.values()];
  joins.sort(
    byTimeThenEmail(
      (j: JoinEvent) => j.joinTime,
      (j) => j.email,
    ),
  );
  leaves.sort(
    byTimeThenEmail(
      (l: LeaveEvent) => l.leaveTime,
      (l) => l.email,
    ),
  );
  return { joins, leaves };
}
