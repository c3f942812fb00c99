import { changeTarget } from "@/lib/notifications/change-target.ts";
import { fieldErrorsOf, UserError } from "@/lib/errors/user-error.ts";
import { removeTarget } from "@/lib/targets/remove-target.ts";
import { TARGET_AUDIT_FIELDS, ZTargetInput, ZTargetRef } from "@/lib/targets/schema.ts";
import { findTarget } from "@/lib/targets/stored-target.ts";
import { targetPatchInput } from "@/lib/targets/target-change.ts";
import { parseJsonBody, sessionRoute } from "@/app/_server/route.ts";
import { z } from "zod";

export const dynamic = "force-dynamic";
const API_PATH = "/api/v1/targets/[targetId]";

async function stored(params: Record<string, string>) {
  const ref = ZTargetRef.safeParse({ id: params.targetId });
  const found = ref.success ? await findTarget({ idOrName: ref.data.id }) : null;
  if (!found || found.id !== ref.data?.id) throw new UserError("No such target.", 404);
  return found;
}

/** Changes a target: fields left out keep their values; the secret is kept unless its endpoint changes (then it must be given again). */
export const PATCH = sessionRoute(
  {
    right: "configure",
    audit: {
      event: "patchTarget",
      objectType: "target",
      apiPath: API_PATH,
      auditable: TARGET_AUDIT_FIELDS,
    },
  },
  async ({ request, params, session }) => {
    const current = await stored(params);
    const patch = await parseJsonBody(request, z.unknown(), 64 * 1024);
    const parsed = ZTargetInput.safeParse(targetPatchInput(current, patch));
    if (!parsed.success)
      throw new UserError("Some values are not valid.", 400, fieldErrorsOf(parsed.error.issues));
    const { saved, audit } = await changeTarget({
      id: current.id,
      input: parsed.data,
      changedBy: session.user.email,
    });
    return {
      response: Response.json(
        { target: saved.after, secretCleared: saved.secretCleared },
        { headers: { "Cache-Control": "no-store" } },
      ),
      audit: {
        input: patch,
        parameters: { target_id: current.id },
        ...audit,
      },
    };
  },
);

/** Removes a target: refused for the built-in ones and while the Compliance Export (or a running job) uses it. */
export const DELETE = sessionRoute(
  { right: "configure", audit: { event: "deleteTarget", objectType: "target", apiPath: API_PATH } },
  async ({ params }) => {
    const current = await stored(params);
    const removed = await removeTarget({ id: current.id });
    return {
      response: Response.json({ removed: removed.id }),
      audit: {
        parameters: { target_id: removed.id },
        priorState: { name: removed.name, kind: removed.kind, destination: removed.destination },
      },
    };
  },
);
