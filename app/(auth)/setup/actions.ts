"use server";

import { record } from "@/lib/audit/record.ts";
import {
  AdminExistsError,
  createAdmin,
  hasOwner,
  OwnerExistsError,
} from "@/lib/auth/create-admin.ts";
import { ZSetupInput } from "@/lib/auth/schema.ts";
import { auditSessionId, createSession } from "@/lib/auth/sessions.ts";
import { fieldErrorsOf, UserError } from "@/lib/errors/user-error.ts";
import { auditParameters, type ActionResult } from "@/app/_server/action.ts";
import { requestInfo } from "@/app/_server/request-info.ts";
import { setSessionCookie } from "@/app/_server/session.ts";

const API_PATH = "/setup#createOwner";
/** The owner's email; the password and its confirmation never. */
const AUDITABLE = { email: true } as const;

/** First-run set-up: creates the owner and signs them in. Refused once an owner exists. */
export async function createOwnerAction(raw: unknown): Promise<ActionResult<null>> {
  const info = await requestInfo();
  const actor = { userId: "", sessionId: "", client: info.userAgent, ipAddress: info.ipAddress };
  const parsed = ZSetupInput.safeParse(raw);
  if (!parsed.success)
    return {
      ok: false,
      status: 400,
      message: "Check the highlighted fields.",
      fieldErrors: fieldErrorsOf(parsed.error.issues),
    };
  if (await hasOwner())
    return {
      ok: false,
      status: 404,
      message: "Set-up is already done. Sign in instead.",
      fieldErrors: {},
    };
  const { email, password } = parsed.data;
  let owner;
  try {
    owner = await createAdmin({ email, password, owner: true });
  } catch (error) {
    if (error instanceof OwnerExistsError || error instanceof AdminExistsError) {
      await record({
        eventName: "createUser",
        status: "fail",
        actor,
        objectType: "user",
        apiPath: API_PATH,
        parameters: auditParameters({ auditable: AUDITABLE }, parsed.data, { owner: true }),
        error: { description: error.message, status_code: 409 },
      });
      return {
        ok: false,
        status: 409,
        message: "Set-up is already done. Sign in instead.",
        fieldErrors: {},
      };
    }
    if (error instanceof UserError)
      return {
        ok: false,
        status: error.status,
        message: error.message,
        fieldErrors: error.fieldErrors,
      };
    throw error;
  }
  await record({
    eventName: "createUser",
    status: "success",
    actor,
    objectType: "user",
    apiPath: API_PATH,
    parameters: auditParameters({ auditable: AUDITABLE }, parsed.data, { owner: true }),
    resultingState: { user_id: owner.id, email: owner.email, owner: true },
  });
  const { token, session } = await createSession({
    userId: owner.id,
    ipAddress: info.ipAddress,
    userAgent: info.userAgent,
  });
  await setSessionCookie(token, info);
  await record({
    eventName: "login",
    status: "success",
    actor: { ...actor, userId: owner.id, sessionId: auditSessionId(session.id) },
    objectType: "session",
    apiPath: API_PATH,
    parameters: auditParameters({ auditable: AUDITABLE }, parsed.data),
  });
  return { ok: true, data: null };
}
