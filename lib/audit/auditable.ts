import { SECRET_MASK } from "./mask.ts";

/**
 * Which input fields an audit record keeps (issue 11: an allow-list, never "everything minus a
 * deny-list"): `true` copies the value, `"secret"` keeps only whether one was given (the mask), a
 * nested list picks inside an object. A field that is not listed is never recorded.
 */
export type AuditFields = { readonly [key: string]: true | "secret" | AuditFields };

/** An allow-list checked against an input type: a misspelt field name does not compile. */
export type AuditFieldsOf<T> = T extends object
  ? { readonly [K in keyof T]?: true | "secret" | AuditFieldsOf<NonNullable<T[K]>> }
  : never;

const MAX_STRING = 1000;

/** The listed fields of `value` (parsed input, or raw input that failed validation). */
export function pickAuditable(value: unknown, fields: AuditFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isRecord(value)) return out;
  for (const [key, spec] of Object.entries(fields)) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    const v = value[key];
    if (spec === "secret") out[key] = v === "" || v === null || v === undefined ? v : SECRET_MASK;
    else if (spec === true) out[key] = bounded(v);
    else if (isRecord(v)) out[key] = pickAuditable(v, spec);
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

/** Raw input is the client's: cap what one field can put into the log. */
function bounded(v: unknown): unknown {
  if (typeof v === "string") return v.length > MAX_STRING ? `${v.slice(0, MAX_STRING)}…` : v;
  if (Array.isArray(v)) return v.slice(0, 50).map(bounded);
  if (isRecord(v)) return "[object]";
  return v;
}
