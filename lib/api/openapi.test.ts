// The OpenAPI document (GET /api/v1/openapi.json): generated from lib/api/routes.ts, it lists every
// route handler under app/api/ with each method it exports, nothing more, and its response schemas
// accept what the code really answers. e2e/api/openapi.spec.ts repeats this against a running build.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";

process.env.LOG_LEVEL = "silent";

import { checkHealth } from "../health/check-health.ts";
import { listJobsPage, ZJobsPageQuery } from "../jobs/list-jobs-page.ts";
import { toSettingsView, loadExportSettings } from "../export-settings/export-settings-store.ts";
import { ExportFixture, setExportSettings } from "../testing/export-fixtures.ts";
import { useTestDatabase, type TestDatabase } from "../testing/test-db.ts";
import { createExportJob } from "../jobs/create-export-job.ts";
import { buildOpenApiDocument } from "./build-openapi-document.ts";
import { API_ROUTES } from "./routes.ts";
import {
  documentOperations,
  responseValidator,
  routeOperationsOnDisk,
} from "./testing/openapi-checks.ts";

const root = path.resolve(import.meta.dirname, "../..");
let t: TestDatabase;
before(async () => {
  t = await useTestDatabase();
});
after(async () => t.cleanup());

test("every route handler under app/api (each exported method) is in the document, and nothing else", () => {
  const doc = buildOpenApiDocument();
  assert.equal(doc.openapi, "3.1.0");
  assert.deepEqual(documentOperations(doc), routeOperationsOnDisk(root));
  assert.ok(routeOperationsOnDisk(root).length >= 13);
});

test("every operation names its access, its responses, and (for admin routes) the right and the 401/403 answers", () => {
  const doc = buildOpenApiDocument();
  for (const r of API_ROUTES) {
    const op = doc.paths![r.path]![r.method]! as Record<string, unknown>;
    assert.ok(op.summary, `${r.method} ${r.path}`);
    assert.ok(Array.isArray(op.security), `${r.method} ${r.path}: security`);
    if (r.access.kind === "admin") {
      assert.deepEqual(op.security, [{ sessionCookie: [] }, { apiToken: [] }]);
      assert.ok(op["x-custodian-right"], `${r.method} ${r.path}: x-custodian-right`);
      assert.ok(r.responses[401] && r.responses[403], `${r.method} ${r.path}: 401 and 403`);
    }
  }
});

test("the request schemas are the routes' own: the jobs query and job creation refuse what the routes refuse", () => {
  const doc = buildOpenApiDocument();
  const params = doc.paths!["/api/v1/jobs"]!.get!.parameters as Array<{
    name: string;
    schema: { maximum?: number };
  }>;
  assert.equal(params.find((p) => p.name === "limit")?.schema.maximum, 500);
  assert.equal(ZJobsPageQuery.safeParse({ limit: "501" }).success, false);
  const body = (
    doc.paths!["/api/v1/jobs"]!.post!.requestBody as {
      content: Record<string, { schema: { properties: object; additionalProperties: unknown } }>;
    }
  ).content["application/json"]!.schema;
  assert.deepEqual(Object.keys(body.properties).sort(), [
    "end",
    "exportFrom",
    "format",
    "onlyQuarantined",
    "select",
    "start",
  ]);
  assert.equal(body.additionalProperties, false);
});

test("response schemas accept real answers and refuse broken ones", async () => {
  const doc = buildOpenApiDocument();
  await setExportSettings({ BatchSize: 5 });
  const fx = new ExportFixture("openapi");
  await fx.insertWorkspace();
  await createExportJob({
    input: { start: 1_700_000_000_000, end: 1_700_000_100_000 },
    trigger: "api",
    initiatedBy: "u1",
    initiatedByLabel: "a@example.com",
  });
  const page = await listJobsPage({ query: ZJobsPageQuery.parse({}) });
  assert.equal(page.jobs.length, 1);
  const jobs = responseValidator(doc, "get", "/api/v1/jobs", 200);
  assert.equal(jobs(JSON.parse(JSON.stringify(page))), null);
  assert.match(jobs({ ...page, jobs: [{ ...page.jobs[0], progress: "12" }] }) ?? "", /progress/);
  assert.equal(
    responseValidator(doc, "get", "/api/health", 503)(await checkHealth({ workerExpected: true })),
    null,
  );
  assert.equal(
    responseValidator(
      doc,
      "get",
      "/api/v1/config/export",
      200,
    )({ MessageExportSettings: toSettingsView(await loadExportSettings()) }),
    null,
  );
  assert.match(
    responseValidator(
      doc,
      "get",
      "/api/v1/config/export",
      200,
    )({ MessageExportSettings: { EnableExport: "yes" } }) ?? "",
    /EnableExport|required/,
  );
});
