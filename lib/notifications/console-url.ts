import { env } from "../config/env.ts";

/** The console's address for links in emails. */
export function consoleUrl(path: string): string {
  const base = env().CUSTODIAN_PUBLIC_URL ?? `http://localhost:${env().PORT}`;
  return new URL(path, base.endsWith("/") ? base : `${base}/`).toString();
}
