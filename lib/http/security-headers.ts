/** 128 random bits, base64: a CSP nonce for one response. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

/**
 * The headers every console response carries. Scripts run only with this response's nonce (Next
 * puts it on its own scripts when the request carries the policy; 'strict-dynamic' lets those load
 * the rest); styles may stay inline (React style attributes). HSTS only when the request came over
 * HTTPS, directly or through the trusted proxy: a plain-HTTP install must stay reachable.
 */
export function securityHeaders(options: {
  nonce: string;
  secure: boolean;
  dev?: boolean;
}): Record<string, string> {
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${options.nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join("; ");
  return {
    "Content-Security-Policy": csp,
    ...(options.secure ? { "Strict-Transport-Security": "max-age=63072000" } : {}),
  };
}
