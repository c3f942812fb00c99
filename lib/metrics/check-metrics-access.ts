import { createHash, timingSafeEqual } from "node:crypto";
import { env } from "../config/env.ts";

const digest = (s: string) => createHash("sha256").update(s).digest();

/** The scraper's bearer token against CUSTODIAN_METRICS_TOKEN (unset: no metrics token works). */
export function isMetricsToken(token: string | undefined): boolean {
  const expected = env().CUSTODIAN_METRICS_TOKEN;
  if (!expected || !token) return false;
  return timingSafeEqual(digest(token), digest(expected));
}
