// The CLI as scripts use it: a child process per command (node --import tsx lib/cli/main.ts),
// results on stdout only, logs on stderr (JSON lines when stderr is not a terminal), exit codes 0 /
// 1 / 2, --json on listings, progress to 100 %, download with the manifest check, links, and the
// operator's password reset.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, test } from "node:test";
import { env } from "../config/env.ts";
import { db } from "../db/client.ts";
import { verifyDownloadLink } from "../export/download-links.ts";
import { setPasswordWithToken } from "../admins/set-password-with-token.ts";
import { createSession, getActiveSession } from "../auth/sessions.ts";
import { ExportFixture, setExportSettings } from "../testing/export-fixtures.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { runCli, type CliRun } from "./testing/run-cli.ts";

let t: TestDatabase;
const jobIds: string[] = [];

before(async () => {
  t = await useTestDatabase();
  await setExportSettings({ BatchSize: 10 });
  const fx = new ExportFixture("cli");
  await fx.insertWorkspace();
  await fx.addPosts(25);
});
after(async () => t.cleanup());

const lines = (text: string) => text.split("\n").filter((l) => l !== "");

/** Every stderr line is a pino JSON line or a plain message; returns the JSON ones. */
function logLines(r: CliRun): Array<Record<string, unknown>> {
  return lines(r.stderr)
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function lastAudit() {
  const row = await db().auditRecord.findFirstOrThrow({ orderBy: { id: "desc" } });
  return JSON.parse(row.json);
}

test("usage errors exit 2 with the usage on stderr and nothing on stdout; --help prints it on stdout", async () => {
  for (const argv of [
    ["jobs", "list", "--bogus"],
    ["jobs", "list", "--limit", "0"],
    ["jobs", "show"],
    ["nonsense"],
    ["jobs", "nonsense"],
    ["export", "--format", "pdf"],
  ]) {
    const r = await runCli(argv);
    assert.equal(r.code, 2, `${argv.join(" ")}: ${r.stderr}`);
    assert.equal(r.stdout, "", argv.join(" "));
    assert.match(r.stderr, /^error: /, argv.join(" "));
    assert.match(r.stderr, /Usage: npm run cli -- /, argv.join(" "));
  }
  const help = await runCli(["jobs", "list", "--help"]);
  assert.equal(help.code, 0);
  assert.match(
    help.stdout,
    /^Usage: npm run cli -- jobs list \[--limit N\] \[--before ID\|TIME\] \[--status S,S\] \[--json\]/,
  );
  assert.equal(help.stderr, "");
});

test("verify with nothing to verify, or an unknown policy, says so and exits 1", async () => {
  const nothing = await runCli(["verify"]);
  assert.equal(nothing.code, 1);
  assert.match(nothing.stdout, /^Nothing to verify: there are no finished exports with files\.$/m);
  const typo = await runCli(["verify", "--policy", "defualt", "--json"]);
  assert.equal(typo.code, 1);
  const result = JSON.parse(typo.stdout);
  assert.equal(result.ok, false);
  assert.deepEqual(result.problems, ["unknown policy defualt"]);
});

test("export --wait: stdout is the job id then the export directory; logs are JSON on stderr; progress reaches 100 %", async () => {
  for (let i = 0; i < 3; i++) {
    const r = await runCli(["export", "--wait", "--export-from", "0", "--format", "csv"]);
    assert.equal(r.code, 0, r.stderr);
    const out = lines(r.stdout);
    assert.equal(out.length, 2, r.stdout);
    assert.match(out[0]!, /^[0-9a-f-]{36}$/);
    assert.equal(
      out[1],
      path.join(
        env().exportDir,
        (await db().exportJob.findUniqueOrThrow({ where: { id: out[0]! } })).exportDir,
      ),
    );
    const logs = logLines(r);
    assert.ok(
      logs.some((l) => l.msg === "export job finished" && l.status === "success"),
      r.stderr,
    );
    const progress = logs.filter((l) => l.msg === "export progress");
    assert.equal(progress.at(-1)?.progress, 100, r.stderr);
    assert.ok(!lines(r.stderr).some((l) => l === out[1]), "the result is not repeated on stderr");
    jobIds.push(out[0]!);
  }
  assert.equal((await runCli(["verify"])).code, 0);
});

test("jobs list: a header, --limit/--before paging, --status, and --json with the API's job objects", async () => {
  const first = await runCli(["jobs", "list", "--limit", "2"]);
  assert.equal(first.code, 0, first.stderr);
  const rows = lines(first.stdout);
  assert.match(rows[0]!, /^ID\s+STATUS\s+FORMAT\s+CREATED\s+MESSAGES\s+FILES\s+WARNINGS\s+ERROR$/);
  assert.deepEqual(
    rows.slice(1).map((r) => r.split(/\s+/)[0]),
    [jobIds[2], jobIds[1]],
  );
  assert.match(first.stderr, new RegExp(`jobs list --before ${jobIds[1]} --limit 2`));

  const second = JSON.parse(
    (await runCli(["jobs", "list", "--limit", "2", "--before", jobIds[1]!, "--json"])).stdout,
  );
  assert.deepEqual(
    second.jobs.map((j: { id: string }) => j.id),
    [jobIds[0]],
  );
  assert.equal(second.next, null);
  assert.equal(second.total, 3);
  assert.equal(second.jobs[0].status, "success");

  const none = JSON.parse(
    (await runCli(["jobs", "list", "--status", "error,canceled", "--json"])).stdout,
  );
  assert.deepEqual([none.jobs, none.total], [[], 0]);
  const badStatus = await runCli(["jobs", "list", "--status", "done"]);
  assert.equal(badStatus.code, 2);
  assert.match(badStatus.stderr, /--status: Unknown status "done"/);
});

test("jobs show: text by default, --json the job object; an unknown job exits 1", async () => {
  const text = await runCli(["jobs", "show", jobIds[0]!]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^status\s+success$/m);
  const json = JSON.parse((await runCli(["jobs", "show", jobIds[0]!, "--json"])).stdout);
  assert.equal(json.id, jobIds[0]);
  assert.equal(json.messages, 25);
  const missing = await runCli(["jobs", "show", "00000000-0000-0000-0000-000000000000"]);
  assert.equal(missing.code, 1);
  assert.equal(missing.stdout, "");
  assert.match(missing.stderr, /^error: no job 00000000-0000-0000-0000-000000000000$/m);
  assert.equal((await lastAudit()).status, "fail");
});

test("jobs download: every batch copied and checked against the signed manifest; a tampered file exits 1", async () => {
  const out = path.join(t.dataDir, "downloads");
  const r = await runCli(["jobs", "download", jobIds[0]!, "--out", out]);
  assert.equal(r.code, 0, r.stderr);
  const job = await db().exportJob.findUniqueOrThrow({
    where: { id: jobIds[0]! },
    include: { batches: true },
  });
  const dir = path.join(out, path.basename(job.exportDir));
  assert.equal(r.stdout, `${dir}\n`);
  const manifest = JSON.parse(await readFile(path.join(dir, "manifest.json"), "utf8")) as {
    files: Array<{ name: string; sha256: string }>;
  };
  assert.equal(manifest.files.length, job.batches.length);
  assert.ok(job.batches.length >= 3);
  for (const f of manifest.files) {
    assert.equal(
      createHash("sha256")
        .update(await readFile(path.join(dir, f.name)))
        .digest("hex"),
      f.sha256,
    );
  }
  const audit = await lastAudit();
  assert.deepEqual(
    [audit.event_name, audit.status, audit.meta.api_path, audit.event.resulting_state.verified],
    ["downloadComplianceReport", "success", "cli:jobs download", true],
  );

  const one = await runCli([
    "jobs",
    "download",
    jobIds[1]!,
    "--batch",
    "2",
    "--out",
    path.join(t.dataDir, "one"),
  ]);
  assert.equal(one.code, 0, one.stderr);
  assert.deepEqual(
    (await readdir(lines(one.stdout)[0]!)).sort(),
    ["batch002" + (await batchSuffix(jobIds[1]!, 2)), "manifest.json"].sort(),
  );

  // A batch changed in the store after its manifest was signed: the copy does not match.
  const tampered = await db().exportJob.findUniqueOrThrow({
    where: { id: jobIds[2]! },
    include: { batches: { where: { number: 1 } } },
  });
  const file = path.join(env().exportDir, tampered.exportDir, tampered.batches[0]!.fileName);
  await writeFile(file, Buffer.concat([await readFile(file), Buffer.from("x")]));
  const bad = await runCli([
    "jobs",
    "download",
    jobIds[2]!,
    "--batch",
    "1",
    "--out",
    path.join(t.dataDir, "bad"),
  ]);
  assert.equal(bad.code, 1);
  assert.equal(bad.stdout, "");
  assert.match(bad.stderr, /hash mismatch batch001/);
  assert.deepEqual(
    await readdir(path.join(t.dataDir, "bad", path.basename(tampered.exportDir))),
    ["manifest.json"],
    "the bad copy is deleted",
  );

  const unknown = await runCli([
    "jobs",
    "download",
    "00000000-0000-0000-0000-000000000000",
    "--out",
    path.join(t.dataDir, "none"),
  ]);
  assert.deepEqual([unknown.code, unknown.stdout], [1, ""]);
  assert.match(unknown.stderr, /^error: No such export\.$/m);
  const noBatch = await runCli([
    "jobs",
    "download",
    jobIds[0]!,
    "--batch",
    "99",
    "--out",
    path.join(t.dataDir, "none"),
  ]);
  assert.deepEqual([noBatch.code, noBatch.stdout], [1, ""]);
  assert.match(noBatch.stderr, /no batch 99/);
});

async function batchSuffix(jobId: string, n: number): Promise<string> {
  const b = await db().exportBatch.findUniqueOrThrow({
    where: { jobId_number: { jobId, number: n } },
  });
  return b.fileName.slice("batch002".length);
}

test("admin create refuses a weak password with the same policy as the console, and creates nobody (issue 11 item 10)", async () => {
  for (const [password, why] of [
    ["password1234", /common/i],
    ["weak-owner@example.com", /email/i],
    ["short", /at least/i],
  ] as const) {
    const r = await runCli(["admin", "create", "--email", "weak-owner@example.com", "--owner"], {
      env: { CUSTODIAN_ADMIN_PASSWORD: password },
    });
    assert.equal(r.code, 2, `${password}: ${r.stderr}`);
    assert.match(r.stderr, /password: /);
    assert.match(r.stderr, why, r.stderr);
    assert.ok(!r.stderr.includes(password) || password.includes("@"), "the password is not echoed");
  }
  assert.equal(await db().adminUser.count({ where: { email: "weak-owner@example.com" } }), 0);
});

test("admin reset-password: a one-time link on stdout, sessions ended, lock-out lifted, audited; jobs link works for the owner", async () => {
  const created = await runCli(["admin", "create", "--email", "owner@example.com", "--owner"], {
    env: { CUSTODIAN_ADMIN_PASSWORD: "correct horse battery" },
  });
  assert.equal(created.code, 0, created.stderr);
  const owner = await db().adminUser.findUniqueOrThrow({ where: { email: "owner@example.com" } });
  const { token: sessionToken } = await createSession({
    userId: owner.id,
    ipAddress: "127.0.0.1",
    userAgent: "test",
  });
  await db().loginThrottle.create({
    data: {
      key: "account:owner@example.com",
      failures: 9,
      lastFailureMs: BigInt(Date.now()),
      lockedUntilMs: BigInt(Date.now() + 900_000),
    },
  });

  const r = await runCli(["admin", "reset-password", "--email", "Owner@Example.com"]);
  assert.equal(r.code, 0, r.stderr);
  const url = new URL(r.stdout.trim());
  assert.equal(url.pathname, "/set-password");
  assert.match(r.stderr, /1 session\(s\) ended/);
  assert.equal(await getActiveSession(sessionToken), null);
  assert.equal(await db().loginThrottle.count({ where: { key: "account:owner@example.com" } }), 0);
  const audit = await lastAudit();
  assert.deepEqual(
    [audit.event_name, audit.status, audit.meta.api_path, audit.actor.client],
    ["updatePassword", "success", "cli:admin reset-password", "cli"],
  );
  assert.ok(
    !JSON.stringify(audit).includes(url.searchParams.get("token")!),
    "the link is never audited",
  );
  assert.equal(
    (
      await setPasswordWithToken({
        token: url.searchParams.get("token")!,
        password: "a new long passphrase",
      })
    ).email,
    "owner@example.com",
  );

  const unknown = await runCli(["admin", "reset-password", "--email", "nobody@example.com"]);
  assert.deepEqual([unknown.code, unknown.stdout], [1, ""]);

  const link = await runCli(["jobs", "link", jobIds[0]!, "--ttl", "30m", "--json"]);
  assert.equal(link.code, 0, link.stderr);
  const { url: linkUrl, expiresAt } = JSON.parse(link.stdout) as { url: string; expiresAt: number };
  assert.ok(Math.abs(expiresAt - Date.now() - 30 * 60_000) < 60_000);
  const verified = await verifyDownloadLink({
    token: new URL(linkUrl).searchParams.get("link")!,
    jobId: jobIds[0]!,
  });
  assert.equal(verified.userId, owner.id);
  assert.equal((await runCli(["jobs", "link", jobIds[0]!, "--ttl", "8d"])).code, 2);
});
