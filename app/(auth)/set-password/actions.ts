"use server";

import { ZSetPasswordInput } from "@/lib/admins/schema.ts";
import { setPasswordWithToken } from "@/lib/admins/set-password-with-token.ts";
import { record } from "@/lib/audit/record.ts";
import { fieldErrorsOf, UserError } from "@/lib/errors/user-error.ts";
import { auditParameters, type ActionResult } from "@/app/_server/action.ts";
import { requestInfo } from "@/app/_server/request-info.ts";

/** Nothing of the input (token, password, confirmation) is kept; the record names the account. */
const AUDITABLE = {} as const;

/** A new admin (or one whose password was reset) sets it through the one-time link. */
export async function setPasswordAction(raw: unknown): Promise<ActionResult<{ email: string }>> {
  const info = await requestInfo();
  const actor = { userId: "", sessionId: "", client: info.userAgent, ipAddress: info.ipAddress };
  const parsed = ZSetPasswordInput.safeParse(raw);
  if (!parsed.success)
    return {
      ok: false,
      status: 400,
      message: "Check the highlighted fields.",
      fieldErrors: fieldErrorsOf(parsed.error.issues),
    };
  try {
    const user = await setPasswordWithToken({
      token: parsed.data.token,
      password: parsed.data.password,
    });
    await record({
      eventName: "updatePassword",
      status: "success",
      actor: { ...actor, userId: user.userId },
      objectType: "user",
      apiPath: "/set-password",
      parameters: auditParameters({ auditable: AUDITABLE }, parsed.data, {
        email: user.email,
        via: "one-time link",
      }),
    });
    return { ok: true, data: { email: user.email } };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    await record({
      eventName: "updatePassword",
      status: "fail",
      actor,
      objectType: "user",
      apiPath: "/set-password",
      error: { description: error.message, status_code: error.status },
    });
    return {
      ok: false,
      status: error.status,
      message: error.message,
      fieldErrors: error.fieldErrors,
    };
  }
}
