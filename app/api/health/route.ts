import { env } from "@/lib/config/env.ts";
import { checkHealth } from "@/lib/health/check-health.ts";

export const dynamic = "force-dynamic";

/** Public liveness: names what is down, never any detail an attacker could use. */
export async function GET(): Promise<Response> {
  const health = await checkHealth({ workerExpected: env().CUSTODIAN_WORKER === "on" });
  return Response.json(health, {
    status: health.status === "ok" ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
}
