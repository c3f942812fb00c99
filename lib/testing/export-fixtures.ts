// Test helpers for the export engine: a small deterministic chat workspace written straight into
// the database (Mattermost's row shapes), edits and deletes done the way Mattermost stores them,
// and readers that take a job's batch zips apart with the real `unzip` and compare what they hold
// with what should be there ("exactly once", RELIABILITY.md).

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { parse } from "csv-parse/sync";
import { SaxesParser } from "saxes";
import { env } from "../config/env.ts";
import { db } from "../db/client.ts";
import { defaultExportSettings, type ExportSettings } from "../settings/schema.ts";
import { writeExportSettings } from "../export-settings/export-settings-store.ts";
import { parseExportPlan, type ExportPlan } from "../export/plan/export-plan.ts";

const run = promisify(execFile);

// ---- ids and rows ------------------------------------------------------------------------------

const ID_ALPHABET = "abcdefghijkmnopqrstuwxyz13456789";

/** A 26-character Mattermost-looking id, the same every time for the same parts. */
export function fixtureId(...parts: Array<string | number>): string {
  const digest = createHash("sha256").update(JSON.stringify(parts)).digest();
  let out = "";
  for (let i = 0; out.length < 26; i++) out += ID_ALPHABET[digest[i % digest.length]! % 32];
  return out;
}

/** A post row as the fixture wrote it (times are epoch ms). */
export type FixturePost = {
  id: string;
  channelId: string;
  userId: string;
  createAt: number;
  updateAt: number;
  editAt: number;
  deleteAt: number;
  message: string;
  type: string;
  props: Record<string, unknown>;
  rootId: string;
  originalId: string;
};

export type FixtureChannel = {
  id: string;
  teamId: string;
  type: "O" | "P" | "D" | "G";
  name: string;
  displayName: string;
};
export type FixtureUser = { id: string; username: string; email: string; isBot: boolean };

/** A row of an export file: one post entry, upload, join or leave. */
export type ExportRow = {
  postId: string;
  /** CSV "Post Update Time"; Actiance UpdatedDateTimeUTC (null when the element has none). */
  updateAt: number | null;
  updateType: string;
  /** CSV "Post Type" (message, attachment, enter, …); "message" for an Actiance <Message>. */
  postType: string;
  /** The batch zip's file name. */
  batchFile: string;
};

export type ExpectedRow = { postId: string; updateAt: number; updateType: string };

const toRow = (p: FixturePost) => ({
  id: p.id,
  channelId: p.channelId,
  userId: p.userId,
  createAt: BigInt(p.createAt),
  updateAt: BigInt(p.updateAt),
  editAt: BigInt(p.editAt),
  deleteAt: BigInt(p.deleteAt),
  message: p.message,
  type: p.type,
  props: JSON.stringify(p.props),
  rootId: p.rootId,
  originalId: p.originalId,
});

// ---- the workspace -----------------------------------------------------------------------------

/** 2025-01-01T00:00:00Z: fixture times start here, well before any job's end (its start time). */
export const FIXTURE_BASE = Date.UTC(2025, 0, 1);

/**
 * A deterministic workspace in the test database: two teams, channels of every type (O, P, D, G),
 * four people and a bot, member history with a leave, and posts whose times the test chooses.
 * It remembers every post row it wrote and which ones changed since the last `takeChanges()`, so a
 * test can say what the next export must contain.
 */
export class ExportFixture {
  readonly teams = [
    { id: fixtureId("team", 1), name: "acme", displayName: "Acme Corp" },
    { id: fixtureId("team", 2), name: "beta", displayName: 'Beta, "quoted" & co' },
  ];
  readonly users: FixtureUser[] = [
    { id: fixtureId("user", "alice"), username: "alice", email: "alice@example.com", isBot: false },
    { id: fixtureId("user", "bob"), username: "bob", email: "bob@example.com", isBot: false },
    { id: fixtureId("user", "carol"), username: "carol", email: "carol@example.com", isBot: false },
    { id: fixtureId("user", "dave"), username: "dave", email: "dave@example.com", isBot: false },
    { id: fixtureId("user", "ci-bot"), username: "ci-bot", email: "ci-bot@localhost", isBot: true },
  ];
  readonly channels: FixtureChannel[];
  readonly posts = new Map<string, FixturePost>();
  private changed = new Set<string>();
  private seq = 0;
  private clock: number;

  constructor(
    readonly seed = "fixture",
    base = FIXTURE_BASE,
  ) {
    this.clock = base;
    const [t1, t2] = this.teams as [(typeof this.teams)[0], (typeof this.teams)[0]];
    const [a, b, c] = this.users as [FixtureUser, FixtureUser, FixtureUser];
    this.channels = [
      {
        id: fixtureId(seed, "ch", "town"),
        teamId: t1.id,
        type: "O",
        name: "town-square",
        displayName: "Town Square",
      },
      {
        id: fixtureId(seed, "ch", "priv"),
        teamId: t1.id,
        type: "P",
        name: "secret-plans",
        displayName: "Secret Plans",
      },
      {
        id: fixtureId(seed, "ch", "beta"),
        teamId: t2.id,
        type: "O",
        name: "general",
        displayName: "General, beta",
      },
      {
        id: fixtureId(seed, "ch", "dm"),
        teamId: "",
        type: "D",
        name: `${a.id}__${b.id}`,
        displayName: "",
      },
      {
        id: fixtureId(seed, "ch", "gm"),
        teamId: "",
        type: "G",
        name: fixtureId(seed, "gm-name"),
        displayName: "alice, bob, carol",
      },
    ];
    void c;
  }

  /** The fixture's clock: strictly increasing times (ms), all in the past. */
  now(): number {
    return this.clock;
  }

  tick(ms = 1000): number {
    this.clock += ms;
    return this.clock;
  }

  /** Inserts teams, users, channels and member history (joins at the base time, one leave). */
  async insertWorkspace(): Promise<void> {
    const t = this.clock;
    await db().chatTeam.createMany({
      data: this.teams.map((x) => ({
        ...x,
        createAt: BigInt(t - 86_400_000),
        updateAt: BigInt(t - 86_400_000),
      })),
    });
    await db().chatUser.createMany({
      data: this.users.map((u) => ({
        ...u,
        createAt: BigInt(t - 86_400_000),
        updateAt: BigInt(t - 86_400_000),
      })),
    });
    await db().chatChannel.createMany({
      data: this.channels.map((c) => ({
        ...c,
        createAt: BigInt(t - 86_400_000),
        updateAt: BigInt(t - 86_400_000),
      })),
    });
    const [a, b, c, d, bot] = this.users as [
      FixtureUser,
      FixtureUser,
      FixtureUser,
      FixtureUser,
      FixtureUser,
    ];
    const [town, priv, beta, dm, gm] = this.channels as [
      FixtureChannel,
      FixtureChannel,
      FixtureChannel,
      FixtureChannel,
      FixtureChannel,
    ];
    const history: Array<{
      channelId: string;
      userId: string;
      joinTime: bigint;
      leaveTime: bigint | null;
    }> = [];
    const join = (ch: FixtureChannel, u: FixtureUser, at: number, leave: number | null = null) =>
      history.push({
        channelId: ch.id,
        userId: u.id,
        joinTime: BigInt(at),
        leaveTime: leave === null ? null : BigInt(leave),
      });
    for (const u of [a, b, c, d, bot]) join(town, u, t - 3_600_000);
    join(priv, a, t - 3_600_000);
    join(priv, c, t + 500, t + 60_500); // joins and leaves inside the first export windows
    for (const u of [b, d, bot]) join(beta, u, t - 3_600_000);
    join(dm, a, t - 3_600_000);
    join(dm, b, t - 3_600_000);
    for (const u of [a, b, c]) join(gm, u, t - 3_600_000);
    await db().channelMemberHistory.createMany({ data: history });
  }

  /** Which channel/author the i-th post of the fixture goes to (round robin over valid pairs). */
  private placement(n: number): { channelId: string; userId: string } {
    const [a, b, c, d, bot] = this.users as [
      FixtureUser,
      FixtureUser,
      FixtureUser,
      FixtureUser,
      FixtureUser,
    ];
    const [town, priv, beta, dm, gm] = this.channels as [
      FixtureChannel,
      FixtureChannel,
      FixtureChannel,
      FixtureChannel,
      FixtureChannel,
    ];
    const pairs: Array<[FixtureChannel, FixtureUser]> = [
      [town, a],
      [town, bot],
      [priv, a],
      [beta, d],
      [dm, b],
      [gm, c],
      [town, b],
      [beta, bot],
      [dm, a],
      [gm, a],
      [town, c],
      [beta, b],
    ];
    const [ch, u] = pairs[n % pairs.length]!;
    return { channelId: ch.id, userId: u.id };
  }

  /**
   * Inserts `count` posts. Times: `at` may be one time for all (they then share one updateAt), a
   * function of the index, or absent (one clock tick apart). Returns the new posts in order.
   */
  async addPosts(
    count: number,
    options: {
      at?: number | ((i: number) => number);
      message?: (i: number, id: string) => string;
    } = {},
  ): Promise<FixturePost[]> {
    const created: FixturePost[] = [];
    for (let i = 0; i < count; i++) {
      const n = this.seq++;
      const id = fixtureId(this.seed, "post", n);
      const at =
        typeof options.at === "number" ? options.at : options.at ? options.at(i) : this.tick(1000);
      if (at > this.clock) this.clock = at;
      const { channelId, userId } = this.placement(n);
      const bot = this.users.find((u) => u.id === userId)!.isBot;
      const roots = created.filter((p) => p.channelId === channelId && p.rootId === "");
      const post: FixturePost = {
        id,
        channelId,
        userId,
        createAt: at,
        updateAt: at,
        editAt: 0,
        deleteAt: 0,
        message: options.message
          ? options.message(i, id)
          : `message ${n}${n % 7 === 3 ? ', with a comma and "quotes"\nand a second line' : ""}`,
        type: "",
        props: bot ? { from_bot: "true" } : {},
        rootId: n % 5 === 4 && roots.length > 0 ? roots[0]!.id : "",
        originalId: "",
      };
      created.push(post);
    }
    if (created.length > 0) await db().post.createMany({ data: created.map(toRow) });
    for (const p of created) {
      this.posts.set(p.id, p);
      this.changed.add(p.id);
    }
    return created;
  }

  /** A system post (never exported). */
  async addSystemPost(at = this.tick(1000)): Promise<FixturePost> {
    const n = this.seq++;
    const { channelId, userId } = this.placement(n);
    const post: FixturePost = {
      id: fixtureId(this.seed, "post", n),
      channelId,
      userId,
      createAt: at,
      updateAt: at,
      editAt: 0,
      deleteAt: 0,
      message: "alice joined the channel",
      type: "system_join_channel",
      props: {},
      rootId: "",
      originalId: "",
    };
    await db().post.create({ data: toRow(post) });
    this.posts.set(post.id, post);
    return post;
  }

  /**
   * Edits a post the Mattermost way at time T: the live row keeps its id and gets the new text,
   * EditAt = UpdateAt = T; the old text is kept as a NEW row (new id, OriginalId = live id,
   * DeleteAt = UpdateAt = T). Returns the row holding the old text.
   */
  async editPost(id: string, message: string, at = this.tick(1000)): Promise<FixturePost> {
    const live = this.posts.get(id);
    if (!live) throw new Error(`editPost: no fixture post ${id}`);
    if (at > this.clock) this.clock = at;
    const old: FixturePost = {
      ...live,
      id: fixtureId(this.seed, "old", id, at),
      originalId: live.id,
      deleteAt: at,
      updateAt: at,
    };
    const updated: FixturePost = { ...live, message, editAt: at, updateAt: at };
    await db().$transaction([
      db().post.create({ data: toRow(old) }),
      db().post.update({
        where: { id },
        data: { message, editAt: BigInt(at), updateAt: BigInt(at) },
      }),
    ]);
    this.posts.set(old.id, old);
    this.posts.set(id, updated);
    this.changed.add(old.id);
    this.changed.add(id);
    return old;
  }

  /** Deletes a post the Mattermost way: DeleteAt = UpdateAt = T, props.deleteBy = who deleted it. */
  async deletePost(
    id: string,
    at = this.tick(1000),
    deleteBy = this.users[0]!.id,
  ): Promise<FixturePost> {
    const live = this.posts.get(id);
    if (!live) throw new Error(`deletePost: no fixture post ${id}`);
    if (at > this.clock) this.clock = at;
    const props = { ...live.props, deleteBy };
    const deleted: FixturePost = { ...live, deleteAt: at, updateAt: at, props };
    await db().post.update({
      where: { id },
      data: { deleteAt: BigInt(at), updateAt: BigInt(at), props: JSON.stringify(props) },
    });
    this.posts.set(id, deleted);
    this.changed.add(id);
    return deleted;
  }

  /** A change with no new text (a reaction, a pin): only UpdateAt moves. */
  async touchPost(id: string, at = this.tick(1000)): Promise<FixturePost> {
    const live = this.posts.get(id);
    if (!live) throw new Error(`touchPost: no fixture post ${id}`);
    if (at > this.clock) this.clock = at;
    const touched = { ...live, updateAt: at };
    await db().post.update({ where: { id }, data: { updateAt: BigInt(at) } });
    this.posts.set(id, touched);
    this.changed.add(id);
    return touched;
  }

  /** The post rows (their current state) changed since the previous call, and forgets them. */
  takeChanges(): FixturePost[] {
    const out = [...this.changed]
      .map((id) => this.posts.get(id)!)
      .filter((p) => !p.type.startsWith("system_"));
    this.changed.clear();
    return out;
  }

  /** The current state of all non-system rows whose UpdateAt is in [start, end]. */
  rowsUpdatedIn(start: number, end: number): FixturePost[] {
    return [...this.posts.values()].filter(
      (p) => !p.type.startsWith("system_") && p.updateAt >= start && p.updateAt <= end,
    );
  }
}

/**
 * The post entries (postId, Post Update Time, Post Update Type) an export of these rows must hold,
 * per EXPORT-FORMATS.md §3.3 and the CSV's column 2 (the post row's UpdateAt): an edited original,
 * a deleted message (preceded by a "created" entry when created at/after the job's start), an
 * edited/updated post, or a created one.
 */
export function expectedEntries(rows: readonly FixturePost[], jobStartTime: number): ExpectedRow[] {
  const out: ExpectedRow[] = [];
  for (const p of rows) {
    const deleted = p.deleteAt > 0 && Object.prototype.hasOwnProperty.call(p.props, "deleteBy");
    const editedOriginal = p.deleteAt > 0 && p.originalId !== "";
    if (deleted && !editedOriginal && p.createAt >= jobStartTime)
      out.push({ postId: p.id, updateAt: p.updateAt, updateType: "" });
    if (editedOriginal)
      out.push({ postId: p.id, updateAt: p.updateAt, updateType: "EditedOriginalMsg" });
    else if (deleted) out.push({ postId: p.id, updateAt: p.updateAt, updateType: "Deleted" });
    else if (p.updateAt > p.createAt)
      out.push({
        postId: p.id,
        updateAt: p.updateAt,
        updateType: p.editAt > 0 ? "EditedNewMsg" : "UpdatedNoMsgChange",
      });
    else out.push({ postId: p.id, updateAt: p.updateAt, updateType: "" });
  }
  return out;
}

/** The plan a job was started with (its window, directory, format, batch size). */
export async function jobPlan(jobId: string): Promise<ExportPlan> {
  return parseExportPlan(
    (await db().exportJob.findUniqueOrThrow({ where: { id: jobId }, select: { plan: true } })).plan,
  );
}

// ---- settings ----------------------------------------------------------------------------------

/** Writes export settings directly (no validation, no audit): enabled, CSV, UTC, small batches. */
export async function setExportSettings(
  patch: Partial<ExportSettings> = {},
): Promise<ExportSettings> {
  const settings: ExportSettings = {
    ...defaultExportSettings(),
    EnableExport: true,
    ExportFormat: "csv",
    BatchSize: 5,
    TimeZone: "UTC",
    ExportFromTimestamp: FIXTURE_BASE - 60_000,
    ...patch,
  };
  await writeExportSettings(settings);
  return settings;
}

// ---- reading exports back ----------------------------------------------------------------------

/** A batch zip's name per §2.2: batch<NNN>-<start>-<end>.zip (NNN at least three digits). */
export const BATCH_FILE_NAME = /^batch(\d{3,})-(\d+)-(\d+)\.zip$/;

/** The absolute directory of a job's export (from its row), under the configured export store. */
export async function jobExportDir(jobId: string): Promise<string> {
  const job = await db().exportJob.findUniqueOrThrow({
    where: { id: jobId },
    select: { exportDir: true },
  });
  assert.ok(job.exportDir, `job ${jobId} has no export directory`);
  return path.join(env().exportDir, job.exportDir);
}

/** The finished batch zips of a job directory, in batch order (hidden/partial files are not listed). */
export async function listBatchFiles(exportDir: string): Promise<string[]> {
  const names = await readdir(exportDir).catch(() => [] as string[]);
  return names
    .filter((n) => !n.startsWith(".") && BATCH_FILE_NAME.test(n))
    .sort((a, b) => Number(BATCH_FILE_NAME.exec(a)![1]) - Number(BATCH_FILE_NAME.exec(b)![1]));
}

/** Entry names of a zip, by the real `unzip -Z1`. */
export async function zipEntries(zipPath: string): Promise<string[]> {
  const { stdout } = await run("unzip", ["-Z1", zipPath], { maxBuffer: 64 * 1024 * 1024 });
  return stdout.split("\n").filter(Boolean);
}

/** One entry's bytes, by the real `unzip -p`. */
export async function unzipEntry(zipPath: string, entry: string): Promise<Buffer> {
  const { stdout } = await run("unzip", ["-p", zipPath, entry], {
    maxBuffer: 256 * 1024 * 1024,
    encoding: "buffer",
  });
  return stdout as unknown as Buffer;
}

/** `unzip -t`: throws (with unzip's output) unless every entry tests OK. */
export async function assertZipTests(zipPath: string): Promise<void> {
  try {
    const { stdout } = await run("unzip", ["-t", zipPath], { maxBuffer: 64 * 1024 * 1024 });
    assert.match(stdout, /No errors detected/, `unzip -t ${zipPath}: ${stdout}`);
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    assert.fail(
      `unzip -t ${zipPath} failed: ${e.stdout ?? ""}${e.stderr ?? ""}${e.stdout || e.stderr ? "" : String(error)}`,
    );
  }
}

function csvRows(text: string, batchFile: string): ExportRow[] {
  const records = parse(text, {
    columns: true,
    relax_quotes: false,
    skip_empty_lines: false,
    bom: false,
  }) as Array<Record<string, string>>;
  return records.map((r) => ({
    postId: r["Post Id"] ?? "",
    updateAt: Number(r["Post Update Time"]),
    updateType: r["Post Update Type"] ?? "",
    postType: r["Post Type"] ?? "",
    batchFile,
  }));
}

function actianceRows(xml: string, batchFile: string): ExportRow[] {
  const parser = new SaxesParser({ xmlns: false });
  const rows: ExportRow[] = [];
  let current: Record<string, string> | null = null;
  let field: string | null = null;
  parser.on("opentag", (tag) => {
    if (tag.name === "Message") current = {};
    else if (current) field = tag.name;
  });
  parser.on("text", (text) => {
    if (current && field) current[field] = (current[field] ?? "") + text;
  });
  parser.on("closetag", (tag) => {
    if (tag.name === "Message" && current) {
      const m = current as Record<string, string>;
      rows.push({
        postId: m.MessageId ?? "",
        updateAt: m.UpdatedDateTimeUTC !== undefined ? Number(m.UpdatedDateTimeUTC) : null,
        updateType: m.UpdatedType ?? "",
        postType: m.UpdatedType === "FileDeleted" ? "deleted attachment" : "message",
        batchFile,
      });
      current = null;
    }
    field = null;
  });
  parser.write(xml).close();
  return rows;
}

/**
 * Every row of every finished batch zip of a job directory: posts.csv (CSV) or actiance_export.xml
 * (Actiance) is extracted with the real `unzip -p` and parsed (csv-parse / saxes strict).
 */
export async function readExportRows(exportDir: string): Promise<ExportRow[]> {
  const rows: ExportRow[] = [];
  for (const name of await listBatchFiles(exportDir)) {
    const zipPath = path.join(exportDir, name);
    const entries = await zipEntries(zipPath);
    if (entries.includes("posts.csv"))
      rows.push(...csvRows((await unzipEntry(zipPath, "posts.csv")).toString("utf8"), name));
    else if (entries.includes("actiance_export.xml"))
      rows.push(
        ...actianceRows((await unzipEntry(zipPath, "actiance_export.xml")).toString("utf8"), name),
      );
    else
      throw new Error(
        `${name} holds neither posts.csv nor actiance_export.xml: ${entries.join(", ")}`,
      );
  }
  return rows;
}

/** Only the post entries (not uploads, joins or leaves). */
export function postRows(rows: readonly ExportRow[]): ExportRow[] {
  return rows.filter((r) => r.postType === "message");
}

/** The export format of each batch file of a directory: "csv" or "actiance", by its entries. */
export async function batchFormats(exportDir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of await listBatchFiles(exportDir)) {
    const entries = await zipEntries(path.join(exportDir, name));
    out.set(
      name,
      entries.includes("posts.csv")
        ? "csv"
        : entries.includes("actiance_export.xml")
          ? "actiance"
          : "unknown",
    );
  }
  return out;
}

const keyOf = (
  r: { postId: string; updateAt: number | null; updateType: string },
  withTime: boolean,
) => (withTime ? `${r.postId}|${r.updateAt}|${r.updateType}` : `${r.postId}|${r.updateType}`);

function countKeys(
  rows: ReadonlyArray<{ postId: string; updateAt: number | null; updateType: string }>,
  withTime: boolean,
): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) m.set(keyOf(r, withTime), (m.get(keyOf(r, withTime)) ?? 0) + 1);
  return m;
}

/**
 * "Exactly once": the multiset of (postId, updateAt, updatedType) of the post rows across all the
 * given export rows (all batch files of all runs) equals the expected multiset. `withTime: false`
 * compares (postId, updatedType) only (Actiance omits the time of a created entry).
 */
export function assertExactlyOnce(
  actual: readonly ExportRow[],
  expected: readonly ExpectedRow[],
  options: { withTime?: boolean; label?: string } = {},
): void {
  const withTime = options.withTime ?? true;
  const got = countKeys(postRows(actual), withTime);
  const want = countKeys(expected, withTime);
  const missing: string[] = [];
  const extra: string[] = [];
  for (const [k, n] of want)
    if ((got.get(k) ?? 0) < n) missing.push(`${k} ×${n - (got.get(k) ?? 0)}`);
  for (const [k, n] of got) {
    if (n > (want.get(k) ?? 0)) {
      const where = postRows(actual)
        .filter((r) => keyOf(r, withTime) === k)
        .map((r) => r.batchFile);
      extra.push(`${k} ×${n - (want.get(k) ?? 0)} (in ${where.join(", ")})`);
    }
  }
  const label = options.label ? `${options.label}: ` : "";
  if (missing.length || extra.length) {
    assert.fail(
      `${label}exactly-once violated (${postRows(actual).length} post rows exported, ${expected.length} expected)\n` +
        `missing (${missing.length}): ${missing.slice(0, 20).join("; ")}\n` +
        `duplicated/unexpected (${extra.length}): ${extra.slice(0, 20).join("; ")}`,
    );
  }
}

export async function sha256File(file: string): Promise<string> {
  return createHash("sha256")
    .update(await readFile(file))
    .digest("hex");
}

/** All names in a directory, hidden ones included. */
export async function allNames(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).sort();
}

/**
 * The structural checks of a finished job's output: batch files batch001..N contiguous and named
 * per §2.2 (first start = job start, each start = the previous end, last end = job end), nothing
 * else in the directory (no `.partial`), every zip passes `unzip -t`, ExportBatch rows match the
 * files one to one (name, size, sha256) and chain their cursors, and no batch holds more than the
 * job's batch size of posts. `complete: false` for a job stopped early (canceled): its last batch
 * then ends at its last post like any other.
 */
export async function assertJobOutput(
  jobId: string,
  options: { complete?: boolean } = {},
): Promise<{ dir: string; files: string[]; rows: ExportRow[]; sha256: Map<string, string> }> {
  const job = await db().exportJob.findUniqueOrThrow({ where: { id: jobId } });
  const plan = parseExportPlan(job.plan);
  const dir = await jobExportDir(jobId);
  const files = await listBatchFiles(dir);
  const names = await allNames(dir);
  // A finished run's reconciliation.json sits beside its batches; a canceled one has none.
  assert.equal(
    names.includes("reconciliation.json"),
    job.reconciliation !== "",
    `reconciliation.json in ${dir} exactly when the run finished`,
  );
  if (job.reconciliation)
    assert.equal(JSON.parse(job.reconciliation).unaccounted, 0, "nothing unaccounted");
  const everything = names.filter((n) => n !== "manifest.json" && n !== "reconciliation.json");
  assert.deepEqual(
    everything,
    [...files].sort(),
    `only finished batch files in ${dir} (found ${everything.join(", ")})`,
  );
  const batches = await db().exportBatch.findMany({ where: { jobId }, orderBy: { number: "asc" } });
  assert.equal(
    batches.length,
    files.length,
    `ExportBatch rows (${batches.length}) match files (${files.length})`,
  );
  assert.equal(job.batchesWritten, files.length, "job.batchesWritten");
  const start = plan.jobStartTime;
  const end = plan.jobEndTime;
  const batchSize = plan.batchSize;
  const sha = new Map<string, string>();
  const rows = await readExportRows(dir);
  let prevEnd = start;
  const frontier =
    plan.selection.kind === "feed" ? plan.selection.frontier : { updateAt: start, postId: "" };
  let prevCursor = plan.lateWindow ? { updateAt: -1, postId: "" } : frontier;
  let messages = 0;
  for (let i = 0; i < files.length; i++) {
    const name = files[i]!;
    const m = BATCH_FILE_NAME.exec(name)!;
    assert.equal(Number(m[1]), i + 1, `batch ${name} is number ${i + 1}`);
    assert.equal(
      m[1]!.length,
      Math.max(3, String(i + 1).length),
      `zero-padded batch number in ${name}`,
    );
    const b = batches[i]!;
    if (!b.late && i > 0 && batches[i - 1]!.late) {
      prevCursor = frontier;
      prevEnd = start;
    }
    if (!b.late)
      assert.equal(Number(m[2]), prevEnd, `${name} starts where the previous batch ended`);
    assert.equal(b.number, i + 1);
    assert.equal(b.fileName, name);
    assert.equal(Number(b.startTime), Number(m[2]));
    assert.equal(Number(b.endTime), Number(m[3]));
    assert.equal(Number(b.fromUpdateAt), prevCursor.updateAt, `${name}: cursor chain (updateAt)`);
    assert.equal(b.fromPostId, prevCursor.postId, `${name}: cursor chain (post id)`);
    const full = path.join(dir, name);
    await assertZipTests(full);
    const digest = await sha256File(full);
    sha.set(name, digest);
    assert.equal(b.sha256, digest, `${name}: recorded sha256 equals the file's`);
    assert.equal(Number(b.size), (await readFile(full)).length, `${name}: recorded size`);
    const mine = postRows(rows.filter((r) => r.batchFile === name));
    const ids = new Set(mine.map((r) => r.postId));
    assert.ok(
      ids.size <= batchSize,
      `${name} holds ${ids.size} posts, more than the batch size ${batchSize}`,
    );
    assert.equal(
      ids.size,
      b.messages,
      `${name}: ExportBatch.messages equals the posts in the file`,
    );
    const last = i === files.length - 1 && options.complete !== false;
    if (b.late) {
      assert.equal(
        Number(m[3]),
        Number(b.toUpdateAt),
        `${name}: a late batch ends at its last post's updateAt`,
      );
    } else if (last) {
      assert.equal(
        Number(m[3]),
        Math.max(end, Number(b.toUpdateAt)),
        `the last batch ${name} ends at the job end`,
      );
    } else if (mine.every((r) => r.updateAt !== null)) {
      // (CSV rows carry every post's UpdateAt; Actiance omits it for created entries.)
      const maxUpdate = Math.max(...mine.map((r) => r.updateAt!));
      assert.equal(Number(m[3]), maxUpdate, `${name} ends at its last post's updateAt`);
      assert.equal(Number(b.toUpdateAt), maxUpdate);
    } else {
      assert.equal(Number(m[3]), Number(b.toUpdateAt), `${name} ends at its last post's updateAt`);
    }
    assert.ok(ids.has(b.toPostId), `${name}: the recorded last post ${b.toPostId} is in the file`);
    prevEnd = Number(m[3]);
    prevCursor = { updateAt: Number(b.toUpdateAt), postId: b.toPostId };
    messages += b.messages;
  }
  assert.equal(job.messagesExported, messages, "job.messagesExported is the sum over batches");
  return { dir, files, rows, sha256: sha };
}
