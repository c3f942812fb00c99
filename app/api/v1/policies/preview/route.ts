import { fieldErrorsOf, UserError } from "@/lib/errors/user-error.ts";
import { previewFilter } from "@/lib/policies/policy-actions.ts";
import { ZPolicyPreviewInput } from "@/lib/policies/policy-schema.ts";
import { parseJsonBody, sessionRoute } from "@/app/_server/route.ts";
import { z } from "zod";

export const dynamic = "force-dynamic";
const API_PATH = "/api/v1/policies/preview";

/** How many channels and messages of the last 7 days a filter selects, before it is saved. */
export const POST = sessionRoute(
  { right: "configure", audit: { event: "getConfig", objectType: "policy", apiPath: API_PATH } },
  async ({ request }) => {
    const body = await parseJsonBody(request, z.unknown(), 64 * 1024);
    const parsed = ZPolicyPreviewInput.safeParse(body);
    if (!parsed.success)
      throw new UserError("Some values are not valid.", 400, fieldErrorsOf(parsed.error.issues));
    const preview = await previewFilter(parsed.data.filter);
    return {
      response: Response.json(preview, { headers: { "Cache-Control": "no-store" } }),
      audit: { parameters: { preview: true } },
    };
  },
);
