/** An expected refusal with a message fit to show the user, and optional per-field messages. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly status = 400,
    readonly fieldErrors: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** zod issues → { "a.b": "first message" }, the shape forms show beside fields. */
export function fieldErrorsOf(
  issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join(".") || "_form";
    out[key] ??= issue.message;
  }
  return out;
}
