// `npm run lint` runs this over lib/ (ARCHITECTURE.md, "Layers"):
// - the domain knows nothing of Next.js or React;
// - the lib folders form layers and import downward only, so no two folders depend on each other.
/* global __dirname */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS config file
const fs = require("node:fs");

/**
 * The lib folders from the bottom up. A folder may import the folders of the rows above its own
 * row, never its own row's neighbours or anything below it. Tests (`*.test.ts`) are leaves and
 * may reach anywhere. A new folder must be placed here or the lint fails.
 */
const LAYERS = [
  ["errors", "time", "validation", "ids"],
  ["config"],
  ["log"],
  ["db"],
  ["installation"],
  ["audit"],
  ["auth"],
  ["settings"],
  ["encryption", "policies"],
  ["export-settings"],
  ["targets"],
  ["jobs"],
  ["ingest"],
  ["notifications", "export"],
  ["audit-digest", "downloads", "requests", "job-detail", "metrics"],
  ["worker"],
  ["health", "overview"],
  ["http", "admins", "api"],
  ["cli"],
  ["testing"],
];

const placed = LAYERS.flat();
const unplaced = fs
  .readdirSync(`${__dirname}/lib`, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !placed.includes(entry.name))
  .map((entry) => entry.name);
if (unplaced.length > 0)
  throw new Error(`.dependency-cruiser.cjs: place lib/${unplaced.join(", lib/")} in LAYERS`);

const layerRules = LAYERS.flatMap((row, index) =>
  row.map((folder) => {
    const notBelow = LAYERS.slice(index)
      .flat()
      .filter((other) => other !== folder);
    return {
      name: `lib-${folder}-imports-downward`,
      comment: `lib/${folder} may import only the lib folders in the LAYERS rows above its own.`,
      severity: "error",
      from: { path: `^lib/${folder}/`, pathNot: "\\.test\\.ts$" },
      to: { path: `^lib/(${notBelow.join("|")})/` },
    };
  }),
);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "lib-no-next-or-react",
      comment:
        "lib/ is plain TypeScript shared by the web app, the worker and the CLI: no next/* and no react.",
      severity: "error",
      from: { path: "^lib/" },
      to: { path: "(^|/)node_modules/(next|react|react-dom)/" },
    },
    ...layerRules,
    {
      name: "lib-no-import-cycles",
      comment: "No module in lib/ reaches itself through its imports.",
      severity: "error",
      from: { path: "^lib/" },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^lib/db/generated/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
    },
  },
};
