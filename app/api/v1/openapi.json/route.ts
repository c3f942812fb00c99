import { buildOpenApiDocument } from "@/lib/api/build-openapi-document.ts";

export const dynamic = "force-dynamic";

/** The API's OpenAPI 3.1 document, generated from the routes' zod schemas. Public: no data in it. */
export function GET(): Response {
  return Response.json(buildOpenApiDocument(), { headers: { "Cache-Control": "no-cache" } });
}
