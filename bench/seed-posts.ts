import Database from "better-sqlite3";

/**
 * Fills a fresh, migrated SQLite database with a plain workspace of `posts` messages (40 channels of
 * every type, 200 users, joins) straight through better-sqlite3: seeding speed is not what the
 * benchmark measures, so it skips the ingest path.
 */
export function seedPosts(
  file: string,
  posts: number,
  startAt = 1_700_000_000_000,
): { start: number; end: number } {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  const types = ["O", "P", "D", "G"];
  db.transaction(() => {
    db.prepare(
      `INSERT INTO "ChatTeam" (id, name, "displayName") VALUES ('team-bench', 'bench', 'Bench Team')`,
    ).run();
    const user = db.prepare(
      `INSERT INTO "ChatUser" (id, username, email, "isBot") VALUES (?, ?, ?, ?)`,
    );
    for (let u = 0; u < 200; u++)
      user.run(`user-${u}`, `user${u}`, `user${u}@example.com`, u % 50 === 0 ? 1 : 0);
    const channel = db.prepare(
      `INSERT INTO "ChatChannel" (id, "teamId", type, name, "displayName") VALUES (?, ?, ?, ?, ?)`,
    );
    const member = db.prepare(
      `INSERT INTO "ChannelMemberHistory" ("channelId", "userId", "joinTime") VALUES (?, ?, ?)`,
    );
    for (let c = 0; c < 40; c++) {
      const type = types[c % 4]!;
      channel.run(
        `chan-${c}`,
        type === "D" || type === "G" ? "" : "team-bench",
        type,
        `channel-${c}`,
        `Channel ${c}`,
      );
      for (let m = 0; m < 10; m++)
        member.run(`chan-${c}`, `user-${(c * 7 + m) % 200}`, startAt - 1000);
    }
  })();
  const insert = db.prepare(
    `INSERT INTO "Post" (id, "channelId", "userId", "createAt", "updateAt", message) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const chunk = 50_000;
  for (let i = 0; i < posts; i += chunk) {
    db.transaction(() => {
      for (let j = i; j < Math.min(posts, i + chunk); j++) {
        const c = j % 40;
        const at = startAt + Math.floor(j / 3); // three posts share each millisecond
        insert.run(
          `post-${String(j).padStart(9, "0")}`,
          `chan-${c}`,
          `user-${(c * 7 + (j % 10)) % 200}`,
          at,
          at,
          `Message ${j} in channel ${c}: the quarterly numbers, "as discussed", are attached — 👍`,
        );
      }
    })();
  }
  db.close();
  return { start: startAt - 1, end: startAt + Math.ceil(posts / 3) + 1 };
}
