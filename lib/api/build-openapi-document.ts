import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
} from "zod-openapi";
import { API_ROUTES, type ApiAccess } from "./routes.ts";

const SECURITY: Record<ApiAccess["kind"], Array<Record<string, string[]>>> = {
  public: [],
  admin: [{ sessionCookie: [] }, { apiToken: [] }],
  "ingest-token": [{ ingestToken: [] }],
  metrics: [{ metricsToken: [] }, { apiToken: [] }],
};

let cached: ReturnType<typeof createDocument> | undefined;

/** The OpenAPI 3.1 document of every route in lib/api/routes.ts, from the routes' own zod schemas. */
export function buildOpenApiDocument(
  options: { version?: string } = {},
): ReturnType<typeof createDocument> {
  if (cached) return cached;
  const paths: ZodOpenApiPathsObject = {};
  for (const r of API_ROUTES) {
    const operation: ZodOpenApiOperationObject & {
      "x-custodian-right"?: unknown;
      "x-custodian-audit-event"?: string;
    } = {
      operationId: `${r.method}${r.path.replace(/\{(\w+)\}/g, "By_$1").replace(/[^A-Za-z0-9]+(\w)?/g, (_, c: string | undefined) => (c ?? "").toUpperCase())}`,
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      security: SECURITY[r.access.kind],
      ...(r.params || r.query
        ? {
            requestParams: {
              ...(r.params ? { path: r.params } : {}),
              ...(r.query ? { query: r.query } : {}),
            },
          }
        : {}),
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: { [r.body.contentType ?? "application/json"]: { schema: r.body.schema } },
            },
          }
        : {}),
      responses: Object.fromEntries(
        Object.entries(r.responses).map(([status, res]) => [
          status,
          {
            description: res.description,
            ...(res.schema
              ? { content: { [res.contentType ?? "application/json"]: { schema: res.schema } } }
              : {}),
          },
        ]),
      ),
    };
    if (r.access.kind === "admin") operation["x-custodian-right"] = r.access.right;
    if (r.audit) operation["x-custodian-audit-event"] = r.audit;
    paths[r.path] = { ...paths[r.path], [r.method]: operation };
  }
  cached = createDocument({
    openapi: "3.1.0",
    info: {
      title: "Custodian API",
      version: options.version ?? "1",
      description:
        "Chat compliance exports. Admin routes take the console's session cookie or `Authorization: Bearer <API token>` " +
        "(an admin's personal token, acting with that admin's current rights); the ingest routes take an ingest token. " +
        "`x-custodian-right` names the right a route needs (a list: any one of them; `{ all: [...] }`: every one of them); every call is audited under `x-custodian-audit-event`.",
    },
    components: {
      securitySchemes: {
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: "__Host-custodian_session",
          description: "Over plain HTTP the cookie is named custodian_session.",
        },
        apiToken: {
          type: "http",
          scheme: "bearer",
          description: "An admin API token (Account page, or `cli token create --kind api`).",
        },
        ingestToken: {
          type: "http",
          scheme: "bearer",
          description: "An ingest token (Ingest tokens page, or `cli token create`).",
        },
        metricsToken: { type: "http", scheme: "bearer", description: "CUSTODIAN_METRICS_TOKEN." },
      },
    },
    paths,
  });
  return cached;
}
