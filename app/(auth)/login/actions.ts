"use server";

import { redirect } from "next/navigation";
import { record } from "@/lib/audit/record.ts";
import { authenticate } from "@/lib/auth/authenticate.ts";
import { safeNextPath, ZLoginInput } from "@/lib/auth/schema.ts";
import {
  auditSessionId,
  createSession,
  endSession,
  getActiveSession,
  revokeSession,
} from "@/lib/auth/sessions.ts";
import { fieldErrorsOf } from "@/lib/errors/user-error.ts";
import { auditParameters, type ActionResult } from "@/app/_server/action.ts";
import { requestInfo } from "@/app/_server/request-info.ts";
import {
  clearSessionCookie,
  readSessionToken,
  sessionActor,
  setSessionCookie,
} from "@/app/_server/session.ts";

const INVALID = "The email or password is incorrect.";
/** A successful sign-in keeps the account's email; the password never. */
const AUDITABLE = { email: true } as const;

/**
 * What a failed sign-in keeps of the email field: its first three characters. People type their
 * password into the wrong field; the record must not hold it.
 */
function emailPrefix(typed: string): string {
  const chars = [...typed.trim()];
  return chars.length > 3 ? `${chars.slice(0, 3).join("")}…` : chars.join("");
}

export async function loginAction(
  raw: unknown,
  next?: string,
): Promise<ActionResult<{ next: string }>> {
  const info = await requestInfo();
  const anonymous = {
    userId: "",
    sessionId: "",
    client: info.userAgent,
    ipAddress: info.ipAddress,
  };
  const parsed = ZLoginInput.safeParse(raw);
  if (!parsed.success)
    return {
      ok: false,
      status: 400,
      message: "Enter your email and password.",
      fieldErrors: fieldErrorsOf(parsed.error.issues),
    };
  const email = parsed.data.email.trim().toLowerCase();
  const result = await authenticate({ email, password: parsed.data.password, ip: info.ipAddress });
  if (!result.ok) {
    const throttled = result.reason === "throttled";
    const message = throttled
      ? `Too many failed attempts. Try again in ${result.retryAfterSeconds} seconds.`
      : INVALID;
    await record({
      eventName: "login",
      status: "fail",
      actor: anonymous,
      objectType: "session",
      apiPath: "/login",
      parameters: { email_prefix: emailPrefix(parsed.data.email) },
      error: {
        description: throttled ? "too many attempts" : "invalid credentials",
        status_code: throttled ? 429 : 401,
      },
    });
    return { ok: false, status: throttled ? 429 : 401, message, fieldErrors: {} };
  }
  // A new session id at every sign-in: an old cookie planted before sign-in is worthless.
  const previous = await getActiveSession(await readSessionToken());
  if (previous) await revokeSession(previous.id);
  const { token, session } = await createSession({
    userId: result.userId,
    ipAddress: info.ipAddress,
    userAgent: info.userAgent,
  });
  await setSessionCookie(token, info);
  await record({
    eventName: "login",
    status: "success",
    actor: { ...anonymous, userId: result.userId, sessionId: auditSessionId(session.id) },
    objectType: "session",
    apiPath: "/login",
    parameters: auditParameters({ auditable: AUDITABLE }, { email }),
  });
  return { ok: true, data: { next: safeNextPath(next) } };
}

export async function logoutAction(): Promise<void> {
  const info = await requestInfo();
  const session = await getActiveSession(await readSessionToken());
  if (session) {
    await endSession({ sessionId: session.id, userId: session.user.id });
    await record({
      eventName: "logout",
      status: "success",
      actor: sessionActor(session, info),
      objectType: "session",
      apiPath: "/logout",
    });
  }
  await clearSessionCookie();
  redirect("/login");
}
