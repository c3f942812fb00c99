import { UserError } from "../errors/user-error.ts";
import { instantiateTarget } from "./resolve-target.ts";
import { S3Target } from "./s3/s3-target.ts";
import type { SmtpClientOptions } from "./smtp/deliver-global-relay-batch.ts";
import { smtpEndpoint } from "./smtp/smtp-endpoint.ts";
import { testSmtpConnection } from "./smtp/test-smtp-connection.ts";
import { findTarget } from "./stored-target.ts";

export type TargetConnectionTest = {
  ok: boolean;
  message: string;
  /** What was dialled, for the audit record: a host and port, a bucket, a directory. */
  dialled: Record<string, string | number>;
};

/**
 * "Test connection" of a stored target: S3 writes, reads back and deletes a probe object; SMTP
 * connects, STARTTLS, AUTH and QUIT (no mail); a local directory writes and deletes a probe file.
 */
export async function testTargetConnection(options: {
  idOrName: string;
  smtp?: SmtpClientOptions;
}): Promise<TargetConnectionTest & { name: string; kind: string }> {
  const stored = await findTarget({ idOrName: options.idOrName });
  if (!stored) throw new UserError(`No target "${options.idOrName}".`, 404);
  const base = { name: stored.name, kind: stored.kind };
  if (stored.kind === "smtp") {
    const allowPlain = stored.config.CustomerType === "CUSTOM" && stored.config.AllowPlainSMTP;
    let dialled: Record<string, string | number>;
    try {
      const e = smtpEndpoint({ ...stored.config, SMTPPassword: "" }, { allowPlain });
      dialled = { host: e.host, port: e.port };
    } catch {
      dialled = {
        host: stored.config.CustomSMTPServerName,
        port: String(stored.config.CustomSMTPPort),
      };
    }
    const result = await testSmtpConnection(
      { ...stored.config, SMTPPassword: stored.secret },
      { ...options.smtp, allowPlain },
    );
    return { ...base, ok: result.ok, message: result.message, dialled };
  }
  const target = instantiateTarget(stored);
  if (target instanceof S3Target) {
    try {
      const result = await target.probe();
      return {
        ...base,
        ...result,
        dialled: {
          endpoint:
            stored.kind === "s3" ? stored.config.endpoint || `aws:${stored.config.region}` : "",
          bucket: target.config.bucket,
        },
      };
    } finally {
      target.client.destroy();
    }
  }
  if (target.family !== "files") throw new Error("unreachable");
  const probe = `.custodian-probe-${Date.now()}`;
  try {
    const upload = await target.openWrite(`${probe}/probe`);
    await new Promise<void>((resolve, reject) => {
      upload.stream.once("error", reject);
      upload.stream.end(Buffer.from("probe"), () => resolve());
    });
    await upload.commit();
    await target.removeDir(probe);
    return {
      ...base,
      ok: true,
      message: `Wrote and deleted a probe file in ${target.label}.`,
      dialled: { path: target.label },
    };
  } catch (error) {
    await target.removeDir(probe).catch(() => {});
    return {
      ...base,
      ok: false,
      message: `Could not write to ${target.label}: ${(error as Error).message}`,
      dialled: { path: target.label },
    };
  }
}
