// Issue 12 item 10: the lint's dependency rules (.dependency-cruiser.cjs) catch what they promise:
// lib/ folders import downward only, no import cycles, no unplaced folder, no next/* in lib/.
// The real config runs over a small lib/ tree of fixtures in a temporary directory.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "..");
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

type Violation = { rule: { name: string }; from: string; to: string };

/** Runs the project's dependency-cruiser config over `files` (path → source) in a fresh directory. */
async function cruise(files: Record<string, string>): Promise<{
  violations: Violation[];
  error: string;
}> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "custodian-lint-rules-"));
  dirs.push(dir);
  copyFileSync(
    path.join(root, ".dependency-cruiser.cjs"),
    path.join(dir, ".dependency-cruiser.cjs"),
  );
  writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        module: "esnext",
        moduleResolution: "bundler",
        allowImportingTsExtensions: true,
      },
    }),
  );
  for (const [file, source] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), source);
  }
  const bin = path.join(root, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");
  const args = [bin, "lib", "--config", ".dependency-cruiser.cjs", "--output-type", "json"];
  const result = await run(process.execPath, args, { cwd: dir, maxBuffer: 16 << 20 }).then(
    (r) => ({ stdout: r.stdout, stderr: r.stderr }),
    (e: { stdout: string; stderr: string }) => ({ stdout: e.stdout, stderr: e.stderr }),
  );
  if (!result.stdout.trim()) return { violations: [], error: result.stderr };
  const output = JSON.parse(result.stdout) as { summary: { violations: Violation[] } };
  return { violations: output.summary.violations, error: result.stderr };
}

const names = (violations: Violation[]) =>
  violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();

test("a lib folder may import the layers below it, never beside or above it", async () => {
  const { violations } = await cruise({
    "lib/errors/user-error.ts": "export const e = 1;\n",
    "lib/audit/record.ts": 'import { e } from "../errors/user-error.ts";\nexport const r = e;\n',
    "lib/export/engine.ts": 'import { r } from "../audit/record.ts";\nexport const x = r;\n',
    "lib/audit/upward.ts": 'import { x } from "../export/engine.ts";\nexport const u = x;\n',
    "lib/encryption/side.ts": 'import { p } from "../policies/store.ts";\nexport const s = p;\n',
    "lib/policies/store.ts": "export const p = 1;\n",
    "lib/audit/upward.test.ts": 'import { x } from "../export/engine.ts";\nvoid x;\n',
  });
  assert.deepEqual(names(violations), [
    "lib-audit-imports-downward: lib/audit/upward.ts → lib/export/engine.ts",
    "lib-encryption-imports-downward: lib/encryption/side.ts → lib/policies/store.ts",
  ]);
});

test("an import cycle inside a folder fails, and so does next/* in lib/", async () => {
  const { violations } = await cruise({
    "lib/jobs/a.ts": 'import { b } from "./b.ts";\nexport const a = () => b;\n',
    "lib/jobs/b.ts": 'import { a } from "./a.ts";\nexport const b = () => a;\n',
    "lib/jobs/page.ts": 'import "next/server";\n',
    "node_modules/next/server.js": "module.exports = {};\n",
    "node_modules/next/package.json": '{ "name": "next", "version": "0.0.0" }\n',
  });
  assert.deepEqual(
    names(violations).map((v) => v.replace(/: .*/, "")),
    ["lib-no-import-cycles", "lib-no-next-or-react"],
  );
});

test("a lib folder that is not placed in LAYERS fails the lint, naming it", async () => {
  const { error } = await cruise({ "lib/gadgets/thing.ts": "export const t = 1;\n" });
  assert.match(error, /place lib\/gadgets in LAYERS/);
});
