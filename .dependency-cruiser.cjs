// `npm run lint` runs this over lib/: the domain knows nothing of Next.js or React (ARCHITECTURE.md).
// The "lib folders import downward only" rule joins once the engine reshape removes today's back edges.
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
