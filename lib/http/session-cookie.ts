// __Host- pins the cookie to this origin (Secure, Path=/, no Domain); browsers only accept it over
// HTTPS, so plain-HTTP installs use the unprefixed name. Over HTTPS only the __Host- cookie counts:
// an unprefixed one may have been planted by a sibling domain or a plain-HTTP man in the middle.
export const SECURE_SESSION_COOKIE = "__Host-custodian_session";
export const PLAIN_SESSION_COOKIE = "custodian_session";

export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_SESSION_COOKIE : PLAIN_SESSION_COOKIE;
}

/** One cookie's value from a Cookie header; undefined when absent or not valid %-encoding. */
export function readCookie(header: string, name: string): string | undefined {
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k !== name) continue;
    try {
      return decodeURIComponent(v.join("="));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The session token of a request: the cookie name for its scheme only; "" counts as none. */
export function sessionTokenFrom(header: string, secure: boolean): string | undefined {
  return readCookie(header, sessionCookieName(secure)) || undefined;
}
