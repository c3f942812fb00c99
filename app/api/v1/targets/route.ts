import { fieldErrorsOf, UserError } from "@/lib/errors/user-error.ts";
import { listTargets } from "@/lib/targets/list-targets.ts";
import { saveTarget } from "@/lib/targets/save-target.ts";
import { TARGET_AUDIT_FIELDS, ZTargetInput } from "@/lib/targets/schema.ts";
import { targetChangeAudit } from "@/lib/targets/target-change.ts";
import { parseJsonBody, sessionRoute } from "@/app/_server/route.ts";
import { z } from "zod";

export const dynamic = "force-dynamic";
const API_PATH = "/api/v1/targets";

/** The export targets (secrets never leave the server: only whether one is set). */
export const GET = sessionRoute(
  { right: "configure", audit: { event: "getConfig", objectType: "target", apiPath: API_PATH } },
  async () => ({
    response: Response.json(
      { targets: await listTargets() },
      { headers: { "Cache-Control": "no-store" } },
    ),
    audit: { parameters: { targets: true } },
  }),
);

/** Adds a target; the secret (S3 secret access key, SMTP password) is write-only. */
export const POST = sessionRoute(
  {
    right: "configure",
    audit: {
      event: "createTarget",
      objectType: "target",
      apiPath: API_PATH,
      auditable: TARGET_AUDIT_FIELDS,
    },
  },
  async ({ request }) => {
    const body = await parseJsonBody(request, z.unknown(), 64 * 1024);
    const parsed = ZTargetInput.safeParse(body);
    if (!parsed.success)
      throw new UserError("Some values are not valid.", 400, fieldErrorsOf(parsed.error.issues));
    const saved = await saveTarget({ input: parsed.data });
    return {
      response: Response.json(
        { target: saved.after },
        { status: 201, headers: { "Cache-Control": "no-store" } },
      ),
      audit: { input: parsed.data, ...targetChangeAudit(saved) },
    };
  },
);
