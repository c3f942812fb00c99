import "server-only";
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import type { AuditEventName, AuditObjectType } from "@/lib/audit/events.ts";
import { record, type AuditDetails } from "@/lib/audit/record.ts";
import type { AuditActor } from "@/lib/audit/actor.ts";
import { can, type Requirement } from "@/lib/auth/rights.ts";
import type { ActiveSession } from "@/lib/auth/sessions.ts";
import { fieldErrorsOf, UserError } from "@/lib/errors/user-error.ts";
import { logger } from "@/lib/log/logger.ts";
import { requestInfo, type RequestInfo } from "./request-info.ts";
import { currentSession, sessionActor } from "./session.ts";

export type ActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; status: number; message: string; fieldErrors: Record<string, string> };


type Context<I> = { input: I; session: ActiveSession; actor: AuditActor; info: RequestInfo };

/**
 * Every server action has this shape: session → right → schema → one lib service → audit.
 * Refusals after sign-in are audited as `fail`; unexpected errors are logged with an event id and
 * the user sees only that id.
 */
export function defineAction<S extends z.ZodType, T>(
  spec: { id: string; schema: S; right: Requirement; event: AuditEventName; objectType: AuditObjectType },
  handler: (ctx: Context<z.output<S>>) => Promise<{ data: T; audit?: AuditDetails }>,
): (raw: unknown) => Promise<ActionResult<T>> {
  return async (raw) => {
    const info = await requestInfo();
    const session = await currentSession();
    if (!session) return { ok: false, status: 401, message: "Your session has ended. Sign in again.", fieldErrors: {} };
    const actor = sessionActor(session, info);
    const fail = async (status: number, message: string, fieldErrors: Record<string, string> = {}, parameters?: Record<string, unknown>) => {
      await record({
        eventName: spec.event,
        status: "fail",
        actor,
        objectType: spec.objectType,
        apiPath: spec.id,
        parameters: parameters ?? {},
        error: { description: message, status_code: status },
      });
      return { ok: false as const, status, message, fieldErrors };
    };
    if (!can(session.user, spec.right)) return fail(403, "You do not have the right to do this.");
    const parsed = spec.schema.safeParse(raw);
    const rawParams = raw && typeof raw === "object" && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
    if (!parsed.success) {
      return fail(400, "Some values are not valid; see the messages beside the fields.", fieldErrorsOf(parsed.error.issues), rawParams);
    }
    try {
      const { data, audit } = await handler({ input: parsed.data, session, actor, info });
      await record({ eventName: spec.event, status: "success", actor, objectType: spec.objectType, apiPath: spec.id, ...audit });
      return { ok: true, data };
    } catch (error) {
      if (error instanceof UserError) return fail(error.status, error.message, error.fieldErrors, rawParams);
      const eventId = randomUUID();
      logger().error({ err: error, eventId, action: spec.id }, "server action failed");
      return fail(500, `Something went wrong; it was logged as event ${eventId}.`, {}, rawParams);
    }
  };
}
