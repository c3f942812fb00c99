import "server-only";
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import type { AuditActor } from "@/lib/audit/actor.ts";
import type { AuditEventName, AuditObjectType } from "@/lib/audit/events.ts";
import type { AuditFields } from "@/lib/audit/auditable.ts";
import { record, type AuditDetails } from "@/lib/audit/record.ts";
import { can, type Requirement } from "@/lib/auth/rights.ts";
import { getActiveSession, type ActiveSession } from "@/lib/auth/sessions.ts";
import { isApiToken, verifyApiToken } from "@/lib/auth/verify-api-token.ts";
import { fieldErrorsOf, UserError } from "@/lib/errors/user-error.ts";
import { logger } from "@/lib/log/logger.ts";
import { verifyIngestToken } from "@/lib/ingest/verify-ingest-token.ts";
import { sessionTokenFrom } from "@/lib/http/session-cookie.ts";
import { auditParameters, type DerivedParameters } from "./action.ts";
import { requestInfoFrom, type RequestInfo } from "./request-info.ts";
import { sessionActor } from "./session.ts";

export function jsonError(
  status: number,
  message: string,
  fieldErrors?: Record<string, string>,
  headers?: HeadersInit,
): Response {
  return Response.json(
    { error: message, ...(fieldErrors && Object.keys(fieldErrors).length ? { fieldErrors } : {}) },
    { status, headers: { "Cache-Control": "no-store", ...headers } },
  );
}

/** Reads a JSON body with a byte limit (413 beyond it) and parses it with the input's schema. */
export async function parseJsonBody<S extends z.ZodType>(
  request: Request,
  schema: S,
  maxBytes = 1024 * 1024,
): Promise<z.output<S>> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type))
    throw new UserError("Send the body as application/json.", 415);
  const text = await readBodyText(request, maxBytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UserError("The body is not valid JSON.", 400);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new UserError("Some values are not valid.", 400, fieldErrorsOf(parsed.error.issues));
  return parsed.data;
}

export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  return Buffer.from(await readBodyBytes(request, maxBytes)).toString("utf8");
}

/** The body's bytes in an ArrayBuffer of their own (so it can be handed to a worker thread). */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes)
    throw new UserError(`The body is larger than the limit of ${maxBytes} bytes.`, 413);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new UserError(`The body is larger than the limit of ${maxBytes} bytes.`, 413);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

type SessionContext = {
  request: Request;
  session: ActiveSession;
  actor: AuditActor;
  info: RequestInfo;
  params: Record<string, string>;
};
type AuditSpec = {
  event: AuditEventName;
  objectType: AuditObjectType;
  apiPath: string;
  /** The body fields the record keeps (issue 11: an allow-list); without it, none. */
  auditable?: AuditFields;
  /** Nests the kept fields under this key. */
  auditAs?: string;
};
/** A handler's audit: the parsed body (filtered by the spec's allow-list) and values it derived itself. */
type RouteAudit = Omit<AuditDetails, "parameters"> & {
  input?: unknown;
  parameters?: DerivedParameters;
};

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Refuses cross-site state changes made with a session cookie (browsers send these headers). */
function crossSite(request: Request): boolean {
  if (!STATE_CHANGING.has(request.method)) return false;
  if (request.headers.get("sec-fetch-site") === "cross-site") return true;
  const origin = request.headers.get("origin");
  if (!origin) return false;
  const host = request.headers.get("host");
  try {
    return origin === "null" || new URL(origin).host !== host;
  } catch {
    return true;
  }
}

/**
 * Admin route handlers, signed in by session cookie or by an admin API token (Authorization: Bearer):
 * who (401) → same-site for cookies (403) → right (403, audited) → handler. The handler returns its
 * Response and, for audited actions, what to record.
 */
export function sessionRoute(
  spec: { right: Requirement; audit?: AuditSpec },
  handler: (
    ctx: SessionContext,
  ) => Promise<{ response: Response; audit?: RouteAudit; skipAudit?: boolean }>,
) {
  return async (
    request: Request,
    context: { params: Promise<Record<string, string>> },
  ): Promise<Response> => {
    const info = requestInfoFrom(request.headers);
    const viaToken = request.headers.has("authorization");
    const signedIn = viaToken
      ? await apiTokenSession(request, info, spec.audit?.apiPath ?? new URL(request.url).pathname)
      : await cookieSession(request, info);
    if (!signedIn) {
      return viaToken
        ? jsonError(401, "This API token is not valid: unknown, revoked or expired.", undefined, {
            "WWW-Authenticate": 'Bearer error="invalid_token"',
          })
        : jsonError(401, "Sign in first.");
    }
    const { session, actor } = signedIn;
    const fail = async (status: number, message: string, fieldErrors?: Record<string, string>) => {
      if (spec.audit) {
        await record({
          eventName: spec.audit.event,
          status: "fail",
          actor,
          objectType: spec.audit.objectType,
          apiPath: spec.audit.apiPath,
          error: { description: message, status_code: status },
        });
      }
      return jsonError(status, message, fieldErrors);
    };
    // A bearer token is never sent by a browser on its own, so only cookie calls can be cross-site forgeries.
    if (!viaToken && crossSite(request)) return fail(403, "Cross-site requests are refused.");
    if (!can(session.user, spec.right)) return fail(403, "You do not have the right to do this.");
    try {
      const { response, audit, skipAudit } = await handler({
        request,
        session,
        actor,
        info,
        params: await context.params,
      });
      if (spec.audit && !skipAudit) {
        const { input, parameters, ...states } = audit ?? {};
        const kept = auditParameters(
          { auditable: spec.audit.auditable ?? {}, auditAs: spec.audit.auditAs },
          input,
          parameters,
        );
        await record({
          eventName: spec.audit.event,
          status: "success",
          actor,
          objectType: spec.audit.objectType,
          apiPath: spec.audit.apiPath,
          ...states,
          parameters: kept,
        });
      }
      return response;
    } catch (error) {
      if (error instanceof UserError) return fail(error.status, error.message, error.fieldErrors);
      const eventId = randomUUID();
      logger().error({ err: error, eventId, path: new URL(request.url).pathname }, "route failed");
      return fail(500, `Something went wrong; it was logged as event ${eventId}.`);
    }
  };
}

type SignedIn = { session: ActiveSession; actor: AuditActor };

async function cookieSession(request: Request, info: RequestInfo): Promise<SignedIn | null> {
  const session = await getActiveSession(
    sessionTokenFrom(request.headers.get("cookie") ?? "", info.secure),
  );
  return session ? { session, actor: sessionActor(session, info) } : null;
}

/**
 * `Authorization: Bearer <admin API token>`: the token's admin with their rights as they are now
 * (a revoked right, a deactivated admin or a revoked or expired token takes effect at this call).
 * The token's first use of the day is audited as useApiToken.
 */
export async function apiTokenSession(
  request: Request,
  info: RequestInfo,
  apiPath: string,
): Promise<SignedIn | null> {
  const token = bearerToken(request);
  const verified = isApiToken(token) ? await verifyApiToken(token) : null;
  if (!verified) return null;
  const actor: AuditActor = {
    userId: verified.user.id,
    sessionId: `api-token:${verified.tokenId}`,
    client: info.userAgent,
    ipAddress: info.ipAddress,
  };
  if (verified.firstUseToday) {
    await record({
      eventName: "useApiToken",
      status: "success",
      actor,
      objectType: "token",
      apiPath,
      parameters: { token_id: verified.tokenId, name: verified.name },
    });
  }
  return { session: { id: `api-token:${verified.tokenId}`, user: verified.user }, actor };
}

export function bearerToken(request: Request): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "");
  return m?.[1];
}

export function internalError(error: unknown, where: string): Response {
  const eventId = randomUUID();
  logger().error({ err: error, eventId, where }, "route failed");
  return jsonError(500, `Something went wrong; it was logged as event ${eventId}.`);
}

type TokenContext = {
  request: Request;
  actor: AuditActor;
  info: RequestInfo;
  params: Record<string, string>;
  tokenId: string;
};

/**
 * Route handlers for the chat system's ingest API, signed in by a bearer token (no cookies, so no
 * cross-site risk): token (401) → handler → one audit record per call, success or fail.
 */
export function tokenRoute(
  spec: { audit: AuditSpec },
  handler: (ctx: TokenContext) => Promise<{
    response: Response;
    audit?: AuditDetails;
    failed?: { description: string; status_code: number };
  }>,
) {
  return async (
    request: Request,
    context: { params: Promise<Record<string, string>> },
  ): Promise<Response> => {
    const info = requestInfoFrom(request.headers);
    const token = await verifyIngestToken(bearerToken(request));
    if (!token)
      return jsonError(
        401,
        "Send a valid ingest token as Authorization: Bearer <token>.",
        undefined,
        { "WWW-Authenticate": "Bearer" },
      );
    const actor: AuditActor = {
      userId: "",
      sessionId: "",
      client: `ingest-token:${token.name}`,
      ipAddress: info.ipAddress,
    };
    const write = (
      status: "success" | "fail",
      details?: AuditDetails,
      error?: { description: string; status_code: number },
    ) =>
      record({
        eventName: spec.audit.event,
        status,
        actor,
        objectType: spec.audit.objectType,
        apiPath: spec.audit.apiPath,
        ...details,
        parameters: { token_id: token.id, ...details?.parameters },
        error,
      });
    try {
      const { response, audit, failed } = await handler({
        request,
        actor,
        info,
        params: await context.params,
        tokenId: token.id,
      });
      await write(failed ? "fail" : "success", audit, failed);
      return response;
    } catch (error) {
      if (error instanceof UserError) {
        await write("fail", undefined, { description: error.message, status_code: error.status });
        return jsonError(error.status, error.message, error.fieldErrors);
      }
      const eventId = randomUUID();
      logger().error({ err: error, eventId, path: new URL(request.url).pathname }, "route failed");
      await write("fail", undefined, {
        description: `internal error ${eventId}`,
        status_code: 500,
      });
      return jsonError(500, `Something went wrong; it was logged as event ${eventId}.`);
    }
  };
}
