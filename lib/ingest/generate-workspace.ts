import { createHash } from "node:crypto";
import { derivedId } from "../ids/ids.ts";
import { mimeTypeOf } from "./mime-type.ts";
import { createPrng, type Prng } from "./prng.ts";
import type { IngestRecordInput } from "./schema.ts";

/**
 * A realistic, deterministic chat workspace as ingest records: teams, users and bots, public,
 * private, direct and group channels, joins and leaves, posts with replies, bot and webhook
 * posts, attachments, edits and deletions (as events), in time order. Same options ⇒ the same
 * records, byte for byte. A generator: a million posts never sit in memory (only channel
 * membership, recent thread roots and the ids of deleted posts are kept).
 */
export type WorkspaceOptions = {
  posts: number;
  seed: number;
  /** Default: one channel per ~75 posts, 8 to 4,000. */
  channels?: number;
  /** Epoch ms of the first channel; default 2025-01-06T08:00:00Z. */
  startAt?: number;
  /**
   * Spread the workspace over this many ms from startAt (posts about evenly, in the same order and
   * with the same content as without it); nothing is dated later than startAt + spanMs: edits,
   * deletions and rejoins due after it are left out. Default: about a minute between posts.
   */
  spanMs?: number;
};

type Channel = {
  id: string;
  type: "O" | "P" | "D" | "G";
  teamId: string;
  humans: number[];
  bots: number[];
  roots: string[];
};

type Pending =
  | { time: number; seq: number; kind: "edit"; postId: string; rootId: string; message: string }
  | {
      time: number;
      seq: number;
      kind: "delete";
      postId: string;
      rootId: string;
      channel: Channel;
      deletedBy: string;
    }
  | { time: number; seq: number; kind: "rejoin"; channel: Channel; user: number };

const KIND_CYCLE = ["O", "P", "D", "G", "O", "O", "P", "D", "O", "G"] as const;
const TEAM_NAMES = [
  "Acme Corp",
  "Équipe Ωmega 🚀",
  "北京分公司",
  "Research & Development",
  "فريق الدعم",
  "Ops",
  "Sales EMEA",
  "Legal",
];
const CHANNEL_WORDS = [
  "town-square",
  "off-topic",
  "release",
  "incidents",
  "design",
  "support",
  "finance",
  "random",
  "dev",
  "sales",
];
const CHANNEL_TITLES = [
  "Town Square",
  "Off-Topic ☕",
  "Release 🚢",
  "Incidents 🔥",
  "Design",
  "الدعم الفني",
  "财务",
  "Random",
  "Dev ⚙️",
  "Sales",
];
const FIRST = [
  "Alice",
  "Bob",
  "Zoë",
  "José",
  "Søren",
  "Олена",
  "محمد",
  "李",
  "Ayşe",
  "Nguyễn",
  "Priya",
  "Kwame",
  "Małgorzata",
  "Hiroshi",
  "Fatima",
  "Liam",
];
const FIRST_ASCII = [
  "alice",
  "bob",
  "zoe",
  "jose",
  "soren",
  "olena",
  "mohammed",
  "li",
  "ayse",
  "nguyen",
  "priya",
  "kwame",
  "malgorzata",
  "hiroshi",
  "fatima",
  "liam",
];
const LAST = [
  "Smith",
  "Müller",
  "García",
  "Ødegaard",
  "Коваленко",
  "الحسن",
  "王",
  "Yılmaz",
  "Trần",
  "Patel",
  "Mensah",
  "Kowalska",
  "Tanaka",
  "Haddad",
  "O'Brien",
  "Dupont",
];
const BOTS = [
  { username: "ci-bot", name: "CI" },
  { username: "alert-bot", name: "Alerts" },
  { username: "standup-bot", name: "Standup" },
];
const PHRASES = [
  "Standup in 5 minutes",
  "Can someone review my PR?",
  "Deploy finished without errors",
  "Let's sync after lunch",
  "The quarterly report is attached",
  "I'll take a look",
  "Thanks! 🙏",
  "👍",
  "Meeting notes are in the wiki",
  "مرحبا بالجميع، الاجتماع الساعة العاشرة",
  "שלום לכולם, הפגישה נדחתה",
  "你好，今天的会议改到下午三点",
  "こんにちは、資料を共有します",
  "Привет! Обновил документацию",
  "Café au lait ☕ — e\u0301 vs é",
  "Family: 👩‍👩‍👧 and flags 🇪🇺",
  "Price is 5 € / $5.50",
  "\u202Eright-to-left override\u202C done",
  "Math: ∑ x² ≤ ∞",
  "Tab\tseparated\tvalues",
  "Line one\nLine two\nLine three",
  "`code` and **bold** and _italic_",
  "> quoted reply",
  "Shipping #release #hotfix today",
  "=SUM(A1:A3) looks like a formula",
  "<b>not html</b> & ampersands",
  "]]> and <!-- comments -->",
];
const BOT_MESSAGES = [
  "Build #{n} succeeded ✅",
  "Alert: CPU above 90% on db-{n}",
  "Daily standup reminder ⏰ ({n})",
];
const WEBHOOK_MESSAGES = [
  "Deploy of v1.{n}.0 to production finished",
  "New issue PROJ-{n} created",
  "Incident #{n} resolved",
];
const WEBHOOK_NAMES = ["CI Pipeline", "Jira", "PagerDuty"];
const FILES = [
  "report.pdf",
  "screenshot.png",
  "notes.txt",
  "data.csv",
  "ملف.txt",
  "图片.png",
  "budget 2025.xlsx",
];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The bytes of a generated attachment (small, deterministic from its id). */
export function workspaceFileBytes(fileId: string, name: string): Buffer {
  const repeat = 1 + (createHash("sha256").update(fileId).digest()[0]! % 32);
  return Buffer.from(`Custodian demo attachment "${name}" ${fileId}\n`.repeat(repeat), "utf8");
}

export function* generateWorkspace(options: WorkspaceOptions): Generator<IngestRecordInput> {
  const { posts, seed } = options;
  const rng = createPrng(seed);
  const id = (...parts: Array<string | number>) => derivedId("workspace", seed, ...parts);
  const t0 = options.startAt ?? Date.UTC(2025, 0, 6, 8, 0, 0);

  // ---- teams, users, bots ----
  const teamCount = clamp(Math.ceil(posts / 200_000), 2, TEAM_NAMES.length);
  const teamIds = range(teamCount).map((i) => id("team", i));
  for (let i = 0; i < teamCount; i++) {
    yield {
      type: "team",
      team: {
        id: teamIds[i]!,
        name: `team-${i}`,
        display_name: TEAM_NAMES[i]!,
        type: "O",
        create_at: t0 - DAY,
      },
    };
  }
  const humanCount = clamp(Math.round(posts / 100), 12, 5000);
  const users: Array<{ id: string; username: string }> = [];
  for (let i = 0; i < humanCount; i++) {
    const username = `${FIRST_ASCII[i % FIRST.length]}.${i}`;
    const user = { id: id("user", i), username };
    users.push(user);
    yield {
      type: "user",
      user: {
        ...user,
        email: `${username}@example.com`,
        first_name: FIRST[i % FIRST.length]!,
        last_name: LAST[(i * 7) % LAST.length]!,
        nickname: i % 5 === 0 ? `${FIRST[i % FIRST.length]} ✨` : "",
        is_bot: false,
        create_at: t0 - DAY,
        delete_at: 0,
      },
    };
  }
  // A deactivated account that never takes part: exports must still cope with it.
  yield {
    type: "user",
    user: {
      id: id("user", "deactivated"),
      username: "former.employee",
      email: "former.employee@example.com",
      is_bot: false,
      create_at: t0 - 2 * DAY,
      delete_at: t0 - DAY,
    },
  };
  const bots = BOTS.map((b, i) => ({ id: id("bot", i), username: b.username }));
  for (let i = 0; i < BOTS.length; i++) {
    yield {
      type: "user",
      user: {
        ...bots[i]!,
        email: `${bots[i]!.username}@localhost`,
        first_name: BOTS[i]!.name,
        is_bot: true,
        create_at: t0 - DAY,
        delete_at: 0,
      },
    };
  }

  // ---- channels and their first members ----
  const channelCount = options.channels ?? clamp(Math.round(posts / 75), 8, 4000);
  const channels: Channel[] = [];
  for (let c = 0; c < channelCount; c++) {
    const type = KIND_CYCLE[c % KIND_CYCLE.length]!;
    const createAt = t0 + c * 1000;
    const channel: Channel = {
      id: id("channel", c),
      type,
      teamId: "",
      humans: [],
      bots: [],
      roots: [],
    };
    let name: string;
    let displayName: string;
    if (type === "D" || type === "G") {
      channel.humans = distinct(
        rng,
        humanCount,
        type === "D" ? 2 : rng.int(3, Math.min(6, humanCount)),
      );
      const memberIds = channel.humans.map((u) => users[u]!.id).sort();
      name =
        type === "D"
          ? memberIds.join("__")
          : createHash("sha1").update(memberIds.join(",")).digest("hex");
      displayName = type === "D" ? "" : channel.humans.map((u) => users[u]!.username).join(", ");
    } else {
      channel.teamId = teamIds[c % teamCount]!;
      channel.humans = distinct(rng, humanCount, rng.int(3, Math.min(20, humanCount)));
      if (c === 0 || (type === "O" && rng.chance(0.3))) channel.bots = [c % bots.length];
      name = `${CHANNEL_WORDS[c % CHANNEL_WORDS.length]}-${c}`;
      displayName = `${CHANNEL_TITLES[c % CHANNEL_TITLES.length]} ${c}`;
    }
    channels.push(channel);
    yield {
      type: "channel",
      channel: {
        id: channel.id,
        team_id: channel.teamId,
        type,
        name,
        display_name: displayName,
        create_at: createAt,
        delete_at: 0,
      },
    };
    const members = [
      ...channel.humans.map((u) => users[u]!.id),
      ...channel.bots.map((b) => bots[b]!.id),
    ];
    for (let m = 0; m < members.length; m++) {
      yield {
        type: "member_joined",
        member_joined: { channel_id: channel.id, user_id: members[m]!, time: createAt + 1 + m },
      };
    }
  }

  // ---- posts, with the events that follow them ----
  const pending = new MinHeap<Pending>((a, b) => a.time - b.time || a.seq - b.seq);
  const deleted = new Set<string>();
  let seq = 0;
  let t = t0 + channelCount * 1000 + MINUTE;
  const endAt = options.spanMs === undefined ? Number.MAX_SAFE_INTEGER : t0 + options.spanMs;
  // The unscaled gaps average ~60.5 s; scaled so the posts end at ~95 % of the span.
  const gapScale =
    options.spanMs === undefined
      ? 1
      : Math.max(0.001, (options.spanMs * 0.95 - (t - t0)) / (Math.max(1, posts) * 60_500));

  function* due(until: number): Generator<IngestRecordInput> {
    while (pending.size > 0 && pending.peek()!.time <= until) {
      const e = pending.pop()!;
      if (e.kind === "rejoin") {
        if (!e.channel.humans.includes(e.user)) yield* join(e.channel, e.user, e.time);
      } else if (deleted.has(e.postId) || (e.rootId !== "" && deleted.has(e.rootId))) {
        continue;
      } else if (e.kind === "edit") {
        yield {
          type: "post_edited",
          post_edited: { post_id: e.postId, message: e.message, edit_at: e.time },
        };
      } else {
        deleted.add(e.postId);
        e.channel.roots = e.channel.roots.filter((r) => r !== e.postId);
        yield {
          type: "post_deleted",
          post_deleted: { post_id: e.postId, delete_at: e.time, deleted_by: e.deletedBy },
        };
      }
    }
  }

  function* join(channel: Channel, user: number, time: number): Generator<IngestRecordInput> {
    channel.humans.push(user);
    yield {
      type: "member_joined",
      member_joined: { channel_id: channel.id, user_id: users[user]!.id, time },
    };
    yield systemPost(channel, user, time, "system_join_channel", "joined the channel.");
  }

  function systemPost(
    channel: Channel,
    user: number,
    time: number,
    type: string,
    text: string,
  ): IngestRecordInput {
    const u = users[user]!;
    return {
      type: "post",
      post: {
        id: id("system", seq++),
        channel_id: channel.id,
        user_id: u.id,
        create_at: time,
        message: `@${u.username} ${text}`,
        type,
        props: { username: u.username },
      },
    };
  }

  for (let i = 0; i < posts; i++) {
    t = Math.min(endAt, t + Math.max(1, Math.round(rng.int(1000, 2 * MINUTE) * gapScale)));
    yield* due(t);
    yield* changeMembership(t);

    const channel = channels[Math.floor(channelCount * rng.next() ** 2)]!;
    if (channel.humans.length === 0) yield* join(channel, rng.int(0, humanCount - 1), t - 1);
    const author = channel.humans[rng.int(0, channel.humans.length - 1)]!;
    const postId = id("post", i);
    const roll = rng.next();
    let userId = users[author]!.id;
    let props: Record<string, string> = {};
    let message: string;
    if (roll < 0.04 && channel.bots.length > 0) {
      userId = bots[channel.bots[0]!]!.id;
      props = { from_bot: "true" };
      message = rng.pick(BOT_MESSAGES).replace("{n}", String(i));
    } else if (roll < 0.08 && (channel.type === "O" || channel.type === "P")) {
      props = {
        from_webhook: "true",
        override_username: rng.pick(WEBHOOK_NAMES),
        override_icon_url: "https://example.com/hook.png",
      };
      message = rng.pick(WEBHOOK_MESSAGES).replace("{n}", String(i));
    } else {
      message = humanMessage(rng, users, channel);
    }
    const isReply = channel.roots.length > 0 && rng.chance(0.15);
    const rootId = isReply ? rng.pick(channel.roots) : "";
    if (!isReply) {
      channel.roots.push(postId);
      if (channel.roots.length > 5) channel.roots.shift();
    }

    const fileIds: string[] = [];
    if (rng.chance(0.04)) {
      const count = rng.int(1, 2);
      for (let k = 0; k < count; k++) {
        const fileId = id("file", i, k);
        const name = rng.pick(FILES);
        const { extension, mimeType } = mimeTypeOf(name);
        fileIds.push(fileId);
        const day = new Date(t).toISOString().slice(0, 10).replaceAll("-", "");
        yield {
          type: "file_info",
          file_info: {
            id: fileId,
            post_id: postId,
            creator_id: userId,
            channel_id: channel.id,
            name,
            path: `${day}/teams/${channel.teamId || "noteam"}/channels/${channel.id}/users/${userId}/${fileId}/${name}`,
            size: workspaceFileBytes(fileId, name).length,
            mime_type: mimeType,
            extension,
            create_at: t - 500,
            delete_at: 0,
          },
        };
      }
    }

    yield {
      type: "post",
      post: {
        id: postId,
        channel_id: channel.id,
        user_id: userId,
        create_at: t,
        update_at: t,
        edit_at: 0,
        delete_at: 0,
        message,
        type: "",
        props,
        root_id: rootId,
        original_id: "",
        file_ids: fileIds,
        hashtags: (message.match(/#[A-Za-z][\w-]+/g) ?? []).join(" "),
      },
    };

    let lastChange = t;
    if (rng.chance(0.05)) {
      const edits = rng.chance(0.25) ? 2 : 1;
      for (let e = 1; e <= edits; e++) {
        lastChange += rng.int(30_000, 2 * HOUR);
        const edited = `${rng.pick(["", "Correction: ", "✏️ "])}${message} (edit ${e})`;
        pending.push({
          time: lastChange,
          seq: seq++,
          kind: "edit",
          postId,
          rootId,
          message: edited,
        });
      }
    }
    if (rng.chance(0.02)) {
      const deletedBy = rng.chance(0.8) ? userId : users[0]!.id;
      const time = lastChange + rng.int(MINUTE, DAY);
      pending.push({ time, seq: seq++, kind: "delete", postId, rootId, channel, deletedBy });
    }
  }
  yield* due(endAt);

  function* changeMembership(time: number): Generator<IngestRecordInput> {
    if (!rng.chance(0.02)) return;
    const channel = channels[rng.int(0, channelCount - 1)]!;
    if (channel.type === "D" || channel.type === "G") return;
    if (rng.chance(0.5) && channel.humans.length > 2) {
      const at = rng.int(1, channel.humans.length - 1);
      const [user] = channel.humans.splice(at, 1);
      yield {
        type: "member_left",
        member_left: { channel_id: channel.id, user_id: users[user!]!.id, time },
      };
      yield systemPost(channel, user!, time, "system_leave_channel", "left the channel.");
      if (rng.chance(0.5))
        pending.push({
          time: time + rng.int(HOUR, 3 * DAY),
          seq: seq++,
          kind: "rejoin",
          channel,
          user: user!,
        });
    } else {
      const user = rng.int(0, humanCount - 1);
      if (!channel.humans.includes(user)) yield* join(channel, user, time);
    }
  }
}

function humanMessage(rng: Prng, users: Array<{ username: string }>, channel: Channel): string {
  if (rng.chance(0.002))
    return range(rng.int(10, 50))
      .map((n) => `${n + 1}. ${rng.pick(PHRASES)}`)
      .join("\n");
  const parts = range(rng.int(1, 3)).map(() => rng.pick(PHRASES));
  if (rng.chance(0.1)) parts.unshift(`@${users[rng.pick(channel.humans)]!.username}`);
  return parts.join(" ");
}

function distinct(rng: Prng, population: number, count: number): number[] {
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, population)) chosen.add(rng.int(0, population - 1));
  return [...chosen];
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

class MinHeap<T> {
  private items: T[] = [];
  constructor(private readonly less: (a: T, b: T) => number) {}
  get size(): number {
    return this.items.length;
  }
  peek(): T | undefined {
    return this.items[0];
  }
  push(item: T): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.less(a[i]!, a[parent]!) >= 0) break;
      [a[i], a[parent]] = [a[parent]!, a[i]!];
      i = parent;
    }
  }
  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l]!, a[m]!) < 0) m = l;
        if (r < a.length && this.less(a[r]!, a[m]!) < 0) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
