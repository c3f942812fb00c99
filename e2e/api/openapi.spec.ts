// GET /api/v1/openapi.json against the running build (issue 13 part 4): public; every route of the
// build manifest (.next/server/app-paths-manifest.json) is in it and nothing else; real answers of
// the server validate against its response schemas.
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { responseValidator } from "../../lib/api/testing/openapi-checks.ts";
import { createJob, waitForJob } from "../fixtures/flows.ts";
import { OWNER_STATE } from "../fixtures/owner.ts";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
type Doc = { openapi: string; paths: Record<string, Record<string, unknown>> };

async function fetchDoc(request: APIRequestContext): Promise<Doc> {
  const res = await request.get("/api/v1/openapi.json");
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toMatch(/^application\/json/);
  return (await res.json()) as Doc;
}

test("public, OpenAPI 3.1, and it lists exactly the build's API routes", async ({ request }) => {
  const doc = await fetchDoc(request);
  expect(doc.openapi).toBe("3.1.0");
  const manifest = JSON.parse(
    readFileSync(path.join(ROOT, ".next", "server", "app-paths-manifest.json"), "utf8"),
  ) as Record<string, string>;
  const built = Object.keys(manifest)
    // A catch-all (app/api/[...path], the JSON 404 for unknown paths) is not an operation.
    .filter((k) => k.startsWith("/api/") && k.endsWith("/route") && !/\[\.\.\.\w+\]/.test(k))
    .map((k) => k.slice(0, -"/route".length).replace(/\[(\w+)\]/g, "{$1}"))
    .sort();
  expect(built.length).toBeGreaterThanOrEqual(12);
  expect(Object.keys(doc.paths).sort()).toEqual(built);
});

test("real responses validate against the document's schemas", async ({
  playwright,
  baseURL,
  request,
}) => {
  const doc = await fetchDoc(request);
  const owner = await playwright.request.newContext({ baseURL, storageState: OWNER_STATE });
  const check = async (
    method: "get" | "post",
    apiPath: string,
    url: string,
    expected: number,
    data?: unknown,
  ) => {
    const res = method === "get" ? await owner.get(url) : await owner.post(url, { data });
    expect(res.status(), `${method} ${url}`).toBe(expected);
    expect(
      responseValidator(doc, method, apiPath, expected)(await res.json()),
      `${method} ${url}`,
    ).toBeNull();
  };
  // A file format: the settings may still name Global Relay over SMTP, whose test server is gone by now.
  const job = await createJob(owner, {
    start: 1_700_000_000_000,
    end: 1_700_000_060_000,
    format: "csv",
  });
  await waitForJob(owner, job.id);
  await check("get", "/api/v1/jobs", "/api/v1/jobs?limit=5", 200);
  await check("get", "/api/v1/jobs/{jobId}", `/api/v1/jobs/${job.id}`, 200);
  const { job: detail } = await (await owner.get(`/api/v1/jobs/${job.id}`)).json();
  expect(detail.reconciliation).toMatchObject({ job_id: job.id, format: "csv", unaccounted: 0 });
  await check(
    "get",
    "/api/v1/jobs/{jobId}",
    "/api/v1/jobs/00000000-0000-0000-0000-000000000000",
    404,
  );
  await check("get", "/api/v1/jobs", "/api/v1/jobs?limit=0", 400);
  await check("post", "/api/v1/jobs", "/api/v1/jobs", 400, { bogus: 1 });
  await check("get", "/api/v1/audits", "/api/v1/audits", 200);
  await check("get", "/api/v1/config/export", "/api/v1/config/export", 200);
  await check("post", "/api/v1/jobs/{jobId}/cancel", `/api/v1/jobs/${job.id}/cancel`, 409);
  const health = await request.get("/api/health");
  expect(
    responseValidator(doc, "get", "/api/health", health.status())(await health.json()),
  ).toBeNull();
  const anonymous = await request.get("/api/v1/jobs");
  expect(anonymous.status()).toBe(401);
  expect(responseValidator(doc, "get", "/api/v1/jobs", 401)(await anonymous.json())).toBeNull();
  await owner.dispose();
});
