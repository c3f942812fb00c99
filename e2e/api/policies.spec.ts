// The policies API against the running build (issue 10): add, list, preview, change, run (the job
// names its policy and finishes), remove (archived, name reserved) — every answer validated against
// the OpenAPI document, the refusals with their field errors, and the audit records.
import { expect, test } from "@playwright/test";
import { responseValidator } from "../../lib/api/testing/openapi-checks.ts";
import { auditMark, auditSince } from "../fixtures/audit.ts";
import { waitForJob } from "../fixtures/flows.ts";
import { OWNER_STATE } from "../fixtures/owner.ts";

type Doc = Parameters<typeof responseValidator>[0];

test("a policy's life through the API: add, preview, list, change, run, remove", async ({
  playwright,
  baseURL,
  request,
}) => {
  const doc = (await (await request.get("/api/v1/openapi.json")).json()) as Doc;
  const owner = await playwright.request.newContext({ baseURL, storageState: OWNER_STATE });
  const valid = async (
    method: "get" | "post" | "patch" | "delete",
    apiPath: string,
    res: { status: () => number; json: () => Promise<unknown> },
  ) => {
    const body = await res.json();
    expect(
      responseValidator(doc, method, apiPath, res.status())(body),
      `${method} ${apiPath} ${res.status()}`,
    ).toBeNull();
    return body as Record<string, unknown>;
  };
  const mark = auditMark();
  const name = `api policy ${Date.now()}`;

  const bad = await owner.post("/api/v1/policies", {
    data: { name: "", format: "pdf", target: "local", schedule: { kind: "hours", every: 30 } },
  });
  expect(bad.status()).toBe(400);
  const refused = await valid("post", "/api/v1/policies", bad);
  expect(Object.keys(refused.fieldErrors as object)).toEqual(
    expect.arrayContaining(["name", "format", "schedule.every"]),
  );

  const added = await owner.post("/api/v1/policies", {
    data: {
      name,
      format: "csv",
      target: "Local exports",
      schedule: { kind: "cron", expression: "15 3 * * 1-5" },
      timeZone: "Europe/Berlin",
      filter: { channelTypes: ["O", "P"] },
    },
  });
  expect(added.status()).toBe(201);
  const policy = (await valid("post", "/api/v1/policies", added)).policy as {
    id: string;
    nextRunAt: string;
    scheduleSummary: string;
  };
  expect(policy.scheduleSummary).toBe("cron 15 3 * * 1-5");
  expect(new Date(policy.nextRunAt).getTime()).toBeGreaterThan(Date.now());
  expect(
    (
      await owner.post("/api/v1/policies", { data: { name, format: "csv", target: "local" } })
    ).status(),
  ).toBe(409);

  const preview = await owner.post("/api/v1/policies/preview", {
    data: { filter: { channelTypes: ["D"] } },
  });
  expect(preview.status()).toBe(200);
  const counts = await valid("post", "/api/v1/policies/preview", preview);
  expect(counts.messages).toEqual(expect.any(Number));
  expect(
    (
      await owner.post("/api/v1/policies/preview", {
        data: { filter: { users: ["no-such-user-here"] } },
      })
    ).status(),
  ).toBe(400);

  const list = await owner.get("/api/v1/policies");
  const listed = (await valid("get", "/api/v1/policies", list)).policies as Array<{
    id: string;
    name: string;
  }>;
  expect(listed[0]!.name).toBe("default");
  expect(listed.map((p) => p.id)).toContain(policy.id);
  await valid(
    "get",
    "/api/v1/policies/{policyId}",
    await owner.get(`/api/v1/policies/${encodeURIComponent(name)}`),
  );
  await valid(
    "get",
    "/api/v1/policies/{policyId}",
    await owner.get("/api/v1/policies/no-such-policy"),
  );

  const patched = await owner.patch(`/api/v1/policies/${policy.id}`, {
    data: { schedule: { kind: "weekly", days: ["sat"], at: "05:00" }, batchSize: 500 },
  });
  expect(patched.status()).toBe(200);
  const after = (await valid("patch", "/api/v1/policies/{policyId}", patched)) as {
    changed: boolean;
    policy: { scheduleSummary: string; batchSize: number };
  };
  expect(after.changed).toBe(true);
  expect(after.policy.scheduleSummary).toBe("weekly sat 05:00");

  const run = await owner.post(`/api/v1/policies/${policy.id}/run`);
  expect(run.status()).toBe(201);
  const job = (await valid("post", "/api/v1/policies/{policyId}/run", run)).job as {
    id: string;
    policyId: string;
    policyName: string;
  };
  expect([job.policyId, job.policyName]).toEqual([policy.id, name]);
  await waitForJob(owner, job.id);
  const jobs = await (await owner.get(`/api/v1/jobs?policyId=${policy.id}`)).json();
  expect(jobs.jobs.map((j: { id: string }) => j.id)).toEqual([job.id]);

  const removed = await owner.delete(`/api/v1/policies/${policy.id}`);
  expect(removed.status()).toBe(200);
  await valid("delete", "/api/v1/policies/{policyId}", removed);
  expect((await owner.delete("/api/v1/policies/default")).status()).toBe(409);
  expect(
    (
      await owner.post("/api/v1/policies", { data: { name, format: "csv", target: "local" } })
    ).status(),
    "the name stays reserved",
  ).toBe(409);
  expect(
    ((await (await owner.get(`/api/v1/jobs/${job.id}`)).json()) as { job: { policyName: string } })
      .job.policyName,
    "its jobs stay and name it",
  ).toBe(name);

  const events = auditSince(mark)
    .filter((l) => l.event.parameters?.policy_id === policy.id)
    .map((l) => `${l.event_name}:${l.status}`);
  expect(events).toEqual(
    expect.arrayContaining([
      "createPolicy:success",
      "patchPolicy:success",
      "runPolicy:success",
      "deletePolicy:success",
    ]),
  );
  await owner.dispose();
});
