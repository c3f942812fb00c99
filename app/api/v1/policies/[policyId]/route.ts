import { fieldErrorsOf, UserError } from "@/lib/errors/user-error.ts";
import { changePolicy, policyRef, removePolicy } from "@/lib/policies/policy-actions.ts";
import { ZPolicyId, ZPolicyPatch } from "@/lib/policies/policy-schema.ts";
import { parseJsonBody, sessionRoute } from "@/app/_server/route.ts";
import { z } from "zod";

export const dynamic = "force-dynamic";
const API_PATH = "/api/v1/policies/[policyId]";

function idOf(params: Record<string, string>): string {
  const id = ZPolicyId.safeParse(params.policyId);
  if (!id.success) throw new UserError("No such export policy.", 404);
  return id.data;
}

/** One policy (by id or name). */
export const GET = sessionRoute(
  {
    right: ["request", "download", "configure"],
    audit: { event: "getConfig", objectType: "policy", apiPath: API_PATH },
  },
  async ({ params }) => {
    const policy = await policyRef(idOf(params));
    return {
      response: Response.json({ policy }, { headers: { "Cache-Control": "no-store" } }),
      audit: { parameters: { policy_id: policy.id } },
    };
  },
);

/** Changes a policy: fields left out keep their values. */
export const PATCH = sessionRoute(
  { right: "configure", audit: { event: "patchPolicy", objectType: "policy", apiPath: API_PATH } },
  async ({ request, params }) => {
    const id = idOf(params);
    const body = await parseJsonBody(request, z.unknown(), 64 * 1024);
    const parsed = ZPolicyPatch.safeParse(body);
    if (!parsed.success)
      throw new UserError("Some values are not valid.", 400, fieldErrorsOf(parsed.error.issues));
    const { policy, changed, audit } = await changePolicy(id, parsed.data);
    return {
      response: Response.json({ policy, changed }, { headers: { "Cache-Control": "no-store" } }),
      audit,
    };
  },
);

/** Removes a policy: it is archived — its jobs and exports stay, its name stays taken; "default" cannot be removed. */
export const DELETE = sessionRoute(
  { right: "configure", audit: { event: "deletePolicy", objectType: "policy", apiPath: API_PATH } },
  async ({ params }) => {
    const { removed, audit } = await removePolicy(idOf(params));
    return { response: Response.json({ removed }), audit };
  },
);
