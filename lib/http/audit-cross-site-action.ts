import type { IncomingHttpHeaders } from "node:http";
import { record } from "../audit/record.ts";
import { auditSessionId, getActiveSession } from "../auth/sessions.ts";
import { requestInfoFrom } from "./request-info.ts";
import { sessionTokenFrom } from "./session-cookie.ts";

/**
 * Audits a refused cross-site server action as `fail`: whose session the forged request rode on
 * (if any), from where, which action, and the foreign origin.
 */
export async function auditCrossSiteAction(options: {
  headers: IncomingHttpHeaders;
  path: string;
}): Promise<void> {
  const h = new Headers();
  for (const [k, v] of Object.entries(options.headers))
    if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(", ") : v);
  const info = requestInfoFrom(h);
  const session = await getActiveSession(sessionTokenFrom(h.get("cookie") ?? "", info.secure));
  await record({
    eventName: "crossSiteRequest",
    status: "fail",
    actor: {
      userId: session?.user.id ?? "",
      sessionId: session ? auditSessionId(session.id) : "",
      client: info.userAgent,
      ipAddress: info.ipAddress,
    },
    objectType: "session",
    apiPath: options.path.split("?")[0]!.slice(0, 200),
    parameters: {
      action_id: (h.get("next-action") ?? "").slice(0, 100),
      origin: (h.get("origin") ?? "").slice(0, 200),
      host: (h.get("host") ?? "").slice(0, 200),
      sec_fetch_site: h.get("sec-fetch-site") ?? "",
    },
    error: { description: "Cross-site requests are refused.", status_code: 403 },
  });
}
