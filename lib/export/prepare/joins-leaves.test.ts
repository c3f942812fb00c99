// Ported from Mattermost's shared/shared_test.go @2c0a12c3 (TestGetJoinsAndLeavesForChannel),
// shared/export_data_test.go @05be04ea (TestGetJoinLeavePosts) and actiance_export_test.go
// (Test_channelHasActivity), plus Custodian's own cases.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { MemberHistoryRow } from "../model.ts";
import {
  channelHasActivity,
  joinsAndLeavesForChannel,
  rawJoinsAndLeaves,
  type ChannelMember,
} from "./joins-leaves.ts";

type H = {
  JoinTime: number;
  LeaveTime?: number;
  UserId: string;
  UserEmail: string;
  Username: string;
  UserDeleteAt?: number;
  IsBot?: boolean;
};

function rows(list: H[] | null): MemberHistoryRow[] | undefined {
  if (list === null) return undefined;
  return list.map((h) => ({
    channelId: "c",
    userId: h.UserId,
    email: h.UserEmail,
    username: h.Username,
    isBot: h.IsBot ?? false,
    userDeleteAt: h.UserDeleteAt ?? 0,
    joinTime: h.JoinTime,
    leaveTime: h.LeaveTime ?? null,
  }));
}

function authors(
  list: Record<string, { UserId: string; Email: string; Username: string }> | null,
): ChannelMember[] | undefined {
  if (list === null) return undefined;
  return Object.values(list).map((m) => ({
    userId: m.UserId,
    email: m.Email,
    username: m.Username,
    isBot: false,
  }));
}

describe("TestGetJoinsAndLeavesForChannel (shared_test.go), window [100, 200]", () => {
  const cases: [
    string,
    H[] | null,
    Record<string, { UserId: string; Email: string; Username: string }> | null,
    number,
    number,
  ][] = [
    ["no-joins-no-leaves", null, null, 0, 0],
    [
      "joins-and-leaves-outside-the-range",
      [
        { JoinTime: 1, LeaveTime: 10, UserId: "test", UserEmail: "test", Username: "test" },
        { JoinTime: 250, LeaveTime: 260, UserId: "test", UserEmail: "test", Username: "test" },
        { JoinTime: 300, UserId: "test", UserEmail: "test", Username: "test" },
      ],
      null,
      0,
      0,
    ],
    [
      "join-and-leave-during-the-range",
      [{ JoinTime: 100, LeaveTime: 150, UserId: "test", UserEmail: "test", Username: "test" }],
      null,
      1,
      1,
    ],
    [
      "join-during-and-leave-after-the-range",
      [{ JoinTime: 150, LeaveTime: 300, UserId: "test", UserEmail: "test", Username: "test" }],
      null,
      1,
      0,
    ],
    [
      "join-before-and-leave-during-the-range",
      [{ JoinTime: 99, LeaveTime: 150, UserId: "test", UserEmail: "test", Username: "test" }],
      null,
      1,
      1,
    ],
    [
      "join-before-and-leave-after-the-range",
      [{ JoinTime: 99, LeaveTime: 350, UserId: "test", UserEmail: "test", Username: "test" }],
      null,
      1,
      0,
    ],
    [
      "implicit-joins",
      null,
      {
        test1: { UserId: "test1", Email: "test1", Username: "test1" },
        test2: { UserId: "test2", Email: "test2", Username: "test2" },
      },
      2,
      0,
    ],
    [
      "implicit-joins-with-explicit-joins",
      [
        { JoinTime: 130, LeaveTime: 150, UserId: "test1", UserEmail: "test1", Username: "test1" },
        { JoinTime: 130, LeaveTime: 150, UserId: "test3", UserEmail: "test3", Username: "test3" },
      ],
      {
        test1: { UserId: "test1", Email: "test1", Username: "test1" },
        test2: { UserId: "test2", Email: "test2", Username: "test2" },
      },
      3,
      2,
    ],
    [
      "join-leave-and-join-again",
      [
        { JoinTime: 130, LeaveTime: 150, UserId: "test1", UserEmail: "test1", Username: "test1" },
        { JoinTime: 160, LeaveTime: 180, UserId: "test1", UserEmail: "test1", Username: "test1" },
      ],
      null,
      2,
      2,
    ],
    [
      "deactivated-members-dont-show",
      [
        {
          JoinTime: 130,
          LeaveTime: 150,
          UserId: "test1",
          UserEmail: "test1",
          Username: "test1",
          UserDeleteAt: 50,
        },
        {
          JoinTime: 160,
          LeaveTime: 180,
          UserId: "test1",
          UserEmail: "test1",
          Username: "test1",
          UserDeleteAt: 50,
        },
      ],
      null,
      0,
      0,
    ],
    [
      "deactivated-members-show-if-deleted-after-latest-export",
      [
        {
          JoinTime: 130,
          LeaveTime: 150,
          UserId: "test1",
          UserEmail: "test1",
          Username: "test1",
          UserDeleteAt: 150,
        },
        {
          JoinTime: 160,
          LeaveTime: 180,
          UserId: "test1",
          UserEmail: "test1",
          Username: "test1",
          UserDeleteAt: 150,
        },
      ],
      null,
      2,
      2,
    ],
    [
      "deactivated-members-show-and-dont-show",
      [
        {
          JoinTime: 130,
          LeaveTime: 150,
          UserId: "test1",
          UserEmail: "test1",
          Username: "test1",
          UserDeleteAt: 50,
        },
        {
          JoinTime: 160,
          LeaveTime: 180,
          UserId: "test1",
          UserEmail: "test1",
          Username: "test1",
          UserDeleteAt: 150,
        },
      ],
      null,
      1,
      1,
    ],
  ];
  for (const [name, history, inPosts, expectedJoins, expectedLeaves] of cases) {
    test(name, () => {
      const { joins, leaves } = rawJoinsAndLeaves(100, 200, rows(history), authors(inPosts));
      assert.equal(joins.length, expectedJoins);
      assert.equal(leaves.length, expectedLeaves);
    });
  }
});

test("TestGetJoinLeavePosts (export_data_test.go): dedupe, leave times on joins, closed-out leaves, order", () => {
  const history: Record<string, H[]> = {
    "good-request-1": [
      { JoinTime: 1, UserId: "test1", UserEmail: "test1", Username: "test1" },
      { JoinTime: 2, LeaveTime: 3, UserId: "test2", UserEmail: "test2", Username: "test2" },
      { JoinTime: 3, UserId: "test3", UserEmail: "test3", Username: "test3" },
    ],
    "good-request-2": [
      { JoinTime: 4, UserId: "test4", UserEmail: "test4", Username: "test4" },
      { JoinTime: 5, LeaveTime: 6, UserId: "test5", UserEmail: "test5", Username: "test5" },
      { JoinTime: 6, UserId: "test6", UserEmail: "test6", Username: "test6" },
    ],
  };
  const joins = [];
  const leaves = [];
  for (const id of ["good-request-1", "good-request-2"]) {
    const r = joinsAndLeavesForChannel(1, 7, rows(history[id]!), undefined);
    joins.push(...r.joins);
    leaves.push(...r.leaves);
  }
  const j = (n: number, joinTime: number, leaveTime: number) => ({
    userId: `test${n}`,
    username: `test${n}`,
    email: `test${n}`,
    userType: "user",
    joinTime,
    leaveTime,
  });
  assert.deepEqual(joins, [j(1, 1, 7), j(2, 2, 3), j(3, 3, 7), j(4, 4, 7), j(5, 5, 6), j(6, 6, 7)]);
  const l = (n: number, leaveTime: number, closedOut: boolean) => ({
    userId: `test${n}`,
    username: `test${n}`,
    email: `test${n}`,
    userType: "user",
    leaveTime,
    closedOut,
  });
  // sorted per channel
  assert.deepEqual(leaves, [
    l(2, 3, false),
    l(1, 7, true),
    l(3, 7, true),
    l(5, 6, false),
    l(4, 7, true),
    l(6, 7, true),
  ]);
});

describe("Test_channelHasActivity (actiance_export_test.go), window [1000, 2000]", () => {
  const one = (joinTime: number, leaveTime?: number): H[] => [
    { JoinTime: joinTime, LeaveTime: leaveTime, UserId: "testid", UserEmail: "e", Username: "u" },
  ];
  const cases: [string, H[] | null, boolean][] = [
    ["no activity", null, false],
    [
      "no activity in bounds (but activity out of bounds)",
      [
        { JoinTime: 900, UserId: "testid", UserEmail: "e", Username: "u" },
        { JoinTime: 2100, UserId: "testid2", UserEmail: "e", Username: "u" },
      ],
      false,
    ],
    ["join on lower bounds", one(1000), true],
    ["join within bounds", one(1500), true],
    ["join on upper bounds", one(2000), true],
    ["leave on lower bounds", one(100, 1000), true],
    ["leave within bounds", one(100, 1500), true],
    ["leave on upper bounds", one(100, 2000), true],
  ];
  for (const [name, history, want] of cases) {
    test(name, () => assert.equal(channelHasActivity(rows(history), 1000, 2000), want));
  }
});

describe("joinsAndLeavesForChannel (Custodian cases)", () => {
  test("join, leave, join again: one join (the last row), both leaves, no closed-out leave", () => {
    const r = joinsAndLeavesForChannel(
      100,
      200,
      rows([
        { JoinTime: 130, LeaveTime: 150, UserId: "u1", UserEmail: "a@x", Username: "a" },
        { JoinTime: 160, LeaveTime: 180, UserId: "u1", UserEmail: "a@x", Username: "a" },
      ]),
      undefined,
    );
    assert.deepEqual(
      r.joins.map((j) => [j.joinTime, j.leaveTime]),
      [[160, 180]],
    );
    assert.deepEqual(
      r.leaves.map((l) => [l.leaveTime, l.closedOut]),
      [
        [150, false],
        [180, false],
      ],
    );
  });

  test("rejoined after the last leave: closed out at the end", () => {
    const r = joinsAndLeavesForChannel(
      100,
      200,
      rows([
        { JoinTime: 130, LeaveTime: 150, UserId: "u1", UserEmail: "a@x", Username: "a" },
        { JoinTime: 160, UserId: "u1", UserEmail: "a@x", Username: "a" },
      ]),
      undefined,
    );
    assert.deepEqual(
      r.leaves.map((l) => [l.leaveTime, l.closedOut]),
      [
        [150, false],
        [200, true],
      ],
    );
  });

  test("synthetic author joins at the window start; bots keep their type; ties sorted by email bytes", () => {
    const r = joinsAndLeavesForChannel(
      100,
      200,
      rows([{ JoinTime: 100, UserId: "z", UserEmail: "Zed@x", Username: "zed" }]),
      [
        { userId: "b", email: "bot@x", username: "bot", isBot: true },
        { userId: "a", email: "alice@x", username: "alice", isBot: false },
        { userId: "z", email: "Zed@x", username: "zed", isBot: false },
      ],
    );
    assert.deepEqual(
      r.joins.map((j) => [j.email, j.joinTime, j.userType]),
      [
        ["Zed@x", 100, "user"], // upper case sorts first in byte order
        ["alice@x", 100, "user"],
        ["bot@x", 100, "bot"],
      ],
    );
    assert.deepEqual(
      r.leaves.map((l) => [l.email, l.leaveTime, l.closedOut, l.userType]),
      [
        ["Zed@x", 200, true, "user"],
        ["alice@x", 200, true, "user"],
        ["bot@x", 200, true, "bot"],
      ],
    );
  });

  test("a leave exactly at the join time does not close out the membership", () => {
    const r = joinsAndLeavesForChannel(
      100,
      200,
      rows([{ JoinTime: 150, LeaveTime: 150, UserId: "u", UserEmail: "u@x", Username: "u" }]),
      undefined,
    );
    assert.deepEqual(
      r.leaves.map((l) => [l.leaveTime, l.closedOut]),
      [
        [150, false],
        [200, true],
      ],
    );
  });
});
