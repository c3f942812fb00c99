import { decryptSecret, encryptSecret } from "./secret-box.ts";

// A stored secret (an SMTP password, an S3 secret access key, …) is bound to the endpoint it was
// entered for: every setting that decides where it is sent and how (host, port, TLS mode, user
// name, …). An admin who may change settings but not read secrets could otherwise point the
// endpoint at a server of their own, keep the write-only field's mask, and press "Test".
//   - Saving: a changed endpoint without the secret entered again clears it (keepOrClearSecret).
//   - At rest: the endpoint is sealed with the secret (AES-GCM), and opening it for any other
//     endpoint gives "" — a settings row edited behind the console's back opens nothing either.

/** Every field that decides where a secret goes and how; values as stored. */
export type SecretEndpoint = Readonly<Record<string, string | number | boolean>>;

const BOUND = "bound1:";

/** One spelling per endpoint: keys sorted, so field order never matters. */
function canonical(endpoint: SecretEndpoint): string {
  return JSON.stringify(
    Object.keys(endpoint)
      .sort()
      .map((k) => [k, endpoint[k]]),
  );
}

export function sameEndpoint(a: SecretEndpoint, b: SecretEndpoint): boolean {
  return canonical(a) === canonical(b);
}

/** Seals a secret with its endpoint; "" stays "". */
export function sealBoundSecret(secret: string, endpoint: SecretEndpoint): string {
  if (!secret) return "";
  return BOUND + encryptSecret(JSON.stringify({ s: secret, e: canonical(endpoint) }));
}

/**
 * The secret if it was sealed for this endpoint, else "". A secret stored before binding existed
 * (a bare "v1:" value) opens as it is; it is bound the next time its settings are saved.
 */
export function openBoundSecret(sealed: string, endpoint: SecretEndpoint): string {
  if (!sealed) return "";
  if (!sealed.startsWith(BOUND)) return decryptSecret(sealed);
  const { s, e } = JSON.parse(decryptSecret(sealed.slice(BOUND.length))) as {
    s: string;
    e: string;
  };
  return e === canonical(endpoint) ? s : "";
}

/**
 * The secret to store after a save: the one entered (undefined = the field was left as the mask
 * or out), else the current one if the endpoint is unchanged, else nothing — and whether a stored
 * secret was dropped for that reason (the forms warn before saving; the response says so).
 */
export function keepOrClearSecret(options: {
  current: string;
  entered: string | undefined;
  before: SecretEndpoint;
  after: SecretEndpoint;
}): { secret: string; cleared: boolean } {
  if (options.entered !== undefined) return { secret: options.entered, cleared: false };
  if (sameEndpoint(options.before, options.after))
    return { secret: options.current, cleared: false };
  return { secret: "", cleared: options.current !== "" };
}
