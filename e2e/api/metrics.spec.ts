// GET /api/metrics (issue 13 part 6): Prometheus text for a scraper with CUSTODIAN_METRICS_TOKEN;
// refused without it (a session is not enough); the ingest route's requests are counted.
import { expect, test, type APIResponse } from "@playwright/test";
import { E2E_METRICS_TOKEN } from "../fixtures/instance.ts";

const auth = { Authorization: `Bearer ${E2E_METRICS_TOKEN}` };

function sample(text: string, name: string, labels: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.split(" ").at(-1)) : 0;
}

test("without the metrics token: 401 with WWW-Authenticate, nothing disclosed", async ({
  request,
}) => {
  const attempts: Array<Record<string, string>> = [
    {},
    { Authorization: "Bearer wrong-token-wrong-token-wrong" },
    { Authorization: `Basic ${E2E_METRICS_TOKEN}` },
  ];
  for (const headers of attempts) {
    const res: APIResponse = await request.get("/api/metrics", { headers });
    expect(res.status()).toBe(401);
    expect(res.headers()["www-authenticate"]).toBe("Bearer");
    expect(await res.text()).not.toContain("custodian_");
  }
});

test("with the token: Prometheus text; the ingest route's requests move its histogram", async ({
  request,
}) => {
  const first = await request.get("/api/metrics", { headers: auth });
  expect(first.status()).toBe(200);
  expect(first.headers()["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
  expect(first.headers()["cache-control"]).toContain("no-store");
  const before = await first.text();
  for (const name of [
    "custodian_emails_delivered_total",
    "custodian_export_duration_seconds",
    "process_resident_memory_bytes",
  ]) {
    expect(before).toContain(`# TYPE ${name} `);
  }
  expect(before).toMatch(/^custodian_worker_heartbeat_age_seconds \d+(\.\d+)?$/m);

  // A refused ingest call (no ingest token) is still an ingest request with a status.
  expect(
    (
      await request.post("/api/v1/ingest", {
        data: "[]",
        headers: { "Content-Type": "application/json" },
      })
    ).status(),
  ).toBe(401);
  const after = await (await request.get("/api/metrics", { headers: auth })).text();
  const count = (t: string) =>
    sample(t, "custodian_ingest_request_duration_seconds_count", 'status="401"');
  expect(count(after)).toBe(count(before) + 1);
});
