import "server-only";
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import type { AuditEventName, AuditObjectType } from "@/lib/audit/events.ts";
import { pickAuditable, type AuditFieldsOf } from "@/lib/audit/auditable.ts";
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

/** Values a handler derives itself (ids, modes, counts): flat, never a copy of the input. */
export type DerivedParameters = Record<string, string | number | boolean | null | undefined>;

/** What a handler may add to its audit record; the input's own fields come from the allow-list only. */
export type ActionAudit = Omit<AuditDetails, "parameters"> & { parameters?: DerivedParameters };

type Context<I> = { input: I; session: ActiveSession; actor: AuditActor; info: RequestInfo };

/** A refusal whose audit record also names what was attempted (e.g. the host a connection test dials). */
export class AuditedUserError extends UserError {
  constructor(
    message: string,
    status: number,
    readonly parameters: DerivedParameters,
  ) {
    super(message, status);
  }
}

type ActionSpec<S extends z.ZodType> = {
  id: string;
  schema: S;
  right: Requirement;
  event: AuditEventName;
  objectType: AuditObjectType;
  /** The input fields the audit record keeps (issue 11: an allow-list); `{}` keeps none. */
  auditable: AuditFieldsOf<z.input<S>>;
  /** Nests the kept fields under this key (e.g. Mattermost's "MessageExportSettings"). */
  auditAs?: string;
};

/** The audit parameters of one call: the allow-listed input fields, then the handler's derived ones. */
export function auditParameters(
  spec: { auditable: object; auditAs?: string },
  input: unknown,
  derived?: DerivedParameters,
): Record<string, unknown> {
  const kept = pickAuditable(input, spec.auditable as Parameters<typeof pickAuditable>[1]);
  const shaped = spec.auditAs ? (Object.keys(kept).length ? { [spec.auditAs]: kept } : {}) : kept;
  return { ...shaped, ...derived };
}

/**
 * Every server action has this shape: session → right → schema → one lib service → audit.
 * Refusals after sign-in are audited as `fail`; unexpected errors are logged with an event id and
 * the user sees only that id. Whatever the outcome, the record keeps only the input fields the
 * action's `auditable` allow-list names (from the raw input when it did not validate).
 */
export function defineAction<S extends z.ZodType, T>(
  spec: ActionSpec<S>,
  handler: (ctx: Context<z.output<S>>) => Promise<{ data: T; audit?: ActionAudit }>,
): (raw: unknown) => Promise<ActionResult<T>> {
  return async (raw) => {
    const info = await requestInfo();
    const session = await currentSession();
    if (!session)
      return {
        ok: false,
        status: 401,
        message: "Your session has ended. Sign in again.",
        fieldErrors: {},
      };
    const actor = sessionActor(session, info);
    const fail = async (
      status: number,
      message: string,
      fieldErrors: Record<string, string> = {},
      input?: unknown,
      derived?: DerivedParameters,
    ) => {
      await record({
        eventName: spec.event,
        status: "fail",
        actor,
        objectType: spec.objectType,
        apiPath: spec.id,
        parameters: input === undefined ? {} : auditParameters(spec, input, derived),
        error: { description: message, status_code: status },
      });
      return { ok: false as const, status, message, fieldErrors };
    };
    if (!can(session.user, spec.right)) return fail(403, "You do not have the right to do this.");
    const parsed = spec.schema.safeParse(raw);
    if (!parsed.success) {
      return fail(
        400,
        "Some values are not valid; see the messages beside the fields.",
        fieldErrorsOf(parsed.error.issues),
        raw,
      );
    }
    try {
      const { data, audit } = await handler({ input: parsed.data, session, actor, info });
      const { parameters: derived, ...states } = audit ?? {};
      await record({
        eventName: spec.event,
        status: "success",
        actor,
        objectType: spec.objectType,
        apiPath: spec.id,
        ...states,
        parameters: auditParameters(spec, parsed.data, derived),
      });
      return { ok: true, data };
    } catch (error) {
      if (error instanceof AuditedUserError)
        return fail(error.status, error.message, error.fieldErrors, parsed.data, error.parameters);
      if (error instanceof UserError)
        return fail(error.status, error.message, error.fieldErrors, parsed.data);
      const eventId = randomUUID();
      logger().error({ err: error, eventId, action: spec.id }, "server action failed");
      return fail(500, `Something went wrong; it was logged as event ${eventId}.`, {}, parsed.data);
    }
  };
}
