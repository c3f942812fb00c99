import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";

type Doc = { paths?: object };

const METHOD_EXPORT =
  /export\s+(?:const|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g;

/** "app/api/v1/jobs/[jobId]/route.ts" exporting GET → "get /api/v1/jobs/{jobId}". */
export function routeOperationsOnDisk(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      // A catch-all (app/api/[...path]: the JSON 404 for unknown paths) is not an operation.
      else if (e.name === "route.ts" && !/\[\.\.\.\w+\]/.test(dir)) {
        const url =
          "/" +
          path
            .relative(path.join(root, "app"), dir)
            .split(path.sep)
            .filter((s) => !/^\(.*\)$/.test(s))
            .map((s) => s.replace(/^\[(\w+)\]$/, "{$1}"))
            .join("/");
        for (const m of readFileSync(full, "utf8").matchAll(METHOD_EXPORT))
          out.push(`${m[1]!.toLowerCase()} ${url}`);
      }
    }
  };
  walk(path.join(root, "app", "api"));
  return out.sort();
}

/** "get /api/v1/jobs/{jobId}" for every operation of the document. */
export function documentOperations(doc: Doc): string[] {
  return Object.entries((doc.paths ?? {}) as Record<string, object>)
    .flatMap(([p, item]) =>
      Object.keys(item)
        .filter((k) => ["get", "post", "put", "patch", "delete"].includes(k))
        .map((m) => `${m} ${p}`),
    )
    .sort();
}

/** A validator of one response body against the document's schema for it (JSON Schema 2020-12). */
export function responseValidator(
  doc: Doc,
  method: string,
  apiPath: string,
  status: number,
  contentType = "application/json",
) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ ...doc, $id: "openapi" });
  const pointer = [
    "paths",
    apiPath,
    method,
    "responses",
    String(status),
    "content",
    contentType,
    "schema",
  ]
    .map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1"))
    .join("/");
  const validate = ajv.compile({ $ref: `openapi#/${pointer}` });
  return (body: unknown): string | null =>
    validate(body) ? null : ajv.errorsText(validate.errors, { separator: "\n" });
}
