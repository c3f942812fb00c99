// Unknown API paths answer in JSON like every other API error, not with the console's HTML 404.
const notFound = (request: Request) =>
  Response.json(
    { error: `No API route at ${new URL(request.url).pathname}.` },
    { status: 404, headers: { "Cache-Control": "no-store" } },
  );

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
