// `npm start`, `npm run worker`, `npm run cli`, `npm run build`: plain `node`, no TypeScript loader.
// Builds dist/ first when it is missing or older than the sources (scripts/build-server.mjs), then
// runs the compiled entry point with this process's arguments.
//
//   node scripts/launch.mjs start|worker|cli|build [args…]
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ensureServerBuild, ENTRIES } from "./build-server.mjs";

const [entry, ...args] = process.argv.slice(2);
// `build`: the compiled start script, which only builds the console (.next) and exits.
const target = entry === "build" ? "start" : entry;
if (!target || !(target in ENTRIES)) {
  console.error(
    `usage: node scripts/launch.mjs ${[...Object.keys(ENTRIES), "build"].join("|")} [args…]`,
  );
  process.exit(2);
}
const file = path.join(await ensureServerBuild(), `${target}.js`);
// The compiled script sees the argv it would have seen run directly.
process.argv = [process.argv[0], file, ...(entry === "build" ? ["--build-only"] : []), ...args];
await import(pathToFileURL(file).href);
