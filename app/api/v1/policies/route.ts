import { fieldErrorsOf, UserError } from "@/lib/errors/user-error.ts";
import { addPolicy } from "@/lib/policies/policy-actions.ts";
import { ZPolicyInput } from "@/lib/policies/policy-schema.ts";
import { listPolicyViews } from "@/lib/policies/policy-view.ts";
import { parseJsonBody, sessionRoute } from "@/app/_server/route.ts";
import { z } from "zod";

export const dynamic = "force-dynamic";
const API_PATH = "/api/v1/policies";

/** The export policies, with next run, last run and "exported up to": for anyone with an export right. */
export const GET = sessionRoute(
  {
    right: ["request", "download", "configure"],
    audit: { event: "getConfig", objectType: "policy", apiPath: API_PATH },
  },
  async () => ({
    response: Response.json(
      { policies: await listPolicyViews() },
      { headers: { "Cache-Control": "no-store" } },
    ),
    audit: { parameters: { policies: true } },
  }),
);

/** Adds a policy (teams, channels and users by id or name). */
export const POST = sessionRoute(
  { right: "configure", audit: { event: "createPolicy", objectType: "policy", apiPath: API_PATH } },
  async ({ request }) => {
    const body = await parseJsonBody(request, z.unknown(), 64 * 1024);
    const parsed = ZPolicyInput.safeParse(body);
    if (!parsed.success)
      throw new UserError("Some values are not valid.", 400, fieldErrorsOf(parsed.error.issues));
    const { policy, audit } = await addPolicy(parsed.data);
    return {
      response: Response.json(
        { policy },
        { status: 201, headers: { "Cache-Control": "no-store" } },
      ),
      audit,
    };
  },
);
