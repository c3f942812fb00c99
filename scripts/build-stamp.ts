import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const SOURCES = [
  "app",
  "components",
  "lib",
  "public",
  "instrumentation.ts",
  "proxy.ts",
  "next.config.ts",
  "package.json",
  "tsconfig.json",
];
const SKIP = /(\.test\.tsx?$)|(^|\/)(generated|testing)(\/|$)/;

/** A fingerprint of everything the production build depends on, to rebuild only when it changed. */
export function sourceStamp(root: string): string {
  const hash = createHash("sha256");
  const visit = (p: string) => {
    if (!existsSync(p) || SKIP.test(path.relative(root, p))) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) visit(path.join(p, name));
    } else {
      hash.update(path.relative(root, p)).update(readFileSync(p));
    }
  };
  for (const s of SOURCES) visit(path.join(root, s));
  return hash.digest("hex");
}
