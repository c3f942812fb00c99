// Next 16's proxy (formerly middleware): a fresh CSP nonce for every response. The request carries
// the policy too, because Next reads the nonce from it and puts it on every script it renders
// (pages are rendered per request: the root layout reads headers()).
import { NextResponse, type NextRequest } from "next/server";
import { requestInfoFrom } from "@/lib/http/request-info.ts";
import { newNonce, securityHeaders } from "@/lib/http/security-headers.ts";

export function proxy(request: NextRequest): NextResponse {
  const nonce = newNonce();
  const headers = securityHeaders({
    nonce,
    secure: requestInfoFrom(request.headers).secure,
    dev: process.env.NODE_ENV === "development",
  });
  const forwarded = new Headers(request.headers);
  forwarded.set("x-nonce", nonce);
  forwarded.set("content-security-policy", headers["Content-Security-Policy"]!);
  const response = NextResponse.next({ request: { headers: forwarded } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  // Static build files are immutable and carry no policy-relevant content.
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
