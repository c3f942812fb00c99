import { rmSync } from "node:fs";
import path from "node:path";
import { build, type BuildOptions } from "esbuild";

type BuildServer = {
  esbuildOptions: (entryPoints: Record<string, string>, outdir: string) => BuildOptions;
  ROOT: string;
};
const { esbuildOptions, ROOT } = (await import(
  "../scripts/build-server.mjs" as string
)) as BuildServer;

/**
 * How the bench starts an export child: by default compiled the way production runs the worker
 * (esbuild, plain `node`: scripts/build-server.mjs), so its peak RSS is the production figure;
 * BENCH_TSX=1 runs the TypeScript through tsx as development does. The output sits under dist/ so
 * the bundle resolves the packages from node_modules.
 */
export async function exportChildCommand(): Promise<{ args: string[]; cleanup: () => void }> {
  if (process.env.BENCH_TSX)
    return { args: ["--import", "tsx", "bench/export-child.ts"], cleanup: () => {} };
  const outdir = path.join(ROOT, "dist", `.bench-${process.pid}`);
  await build(esbuildOptions({ "export-child": "bench/export-child.ts" }, outdir));
  return {
    args: [path.join(outdir, "export-child.js")],
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
}
