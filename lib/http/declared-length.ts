import type { ServerResponse } from "node:http";

/** The header a route handler sets when it knows its body's size (Next.js strips Content-Length). */
export const DECLARED_LENGTH_HEADER = "x-custodian-content-length";

/** Turns the declared length into the response's Content-Length as Next.js copies the headers over. */
export function keepDeclaredLength(res: ServerResponse): void {
  const set = res.setHeader.bind(res);
  res.setHeader = (name: string, value: number | string | readonly string[]) => {
    if (name.toLowerCase() === DECLARED_LENGTH_HEADER) {
      const length = String(value);
      return /^[0-9]{1,16}$/.test(length) ? set("Content-Length", length) : res;
    }
    return set(name, value);
  };
}
