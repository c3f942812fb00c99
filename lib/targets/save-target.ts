import { randomUUID } from "node:crypto";
import type { ConfigDiff } from "../audit/record.ts";
import { SECRET_MASK } from "../audit/mask.ts";
import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import { configDiffs } from "../settings/config-diff.ts";
import { isMask } from "../settings/schema.ts";
import { keepOrClearSecret } from "../settings/secret-binding.ts";
import { GLOBAL_RELAY_TARGET_ID, LOCAL_TARGET_ID } from "./default-target.ts";
import { hasSecret, secretEndpointOf, SECRET_LABEL, type TTargetParsed } from "./schema.ts";
import {
  sealTargetSecret,
  toStoredTarget,
  toTargetView,
  type StoredTarget,
  type TargetView,
} from "./stored-target.ts";
import { targetInUse } from "./target-in-use.ts";

export type SavedTarget = {
  before: TargetView | null;
  after: TargetView;
  /** Mattermost-style config_diffs of the target (`Target.<field>`), the secret masked. */
  diffs: ConfigDiff[];
  /** The stored secret was dropped: its endpoint changed and no new one was entered. */
  secretCleared: boolean;
};

/**
 * Adds a target (no `id`) or changes one. The secret is write-only and bound to its endpoint: left
 * out (or the mask) it is kept while the endpoint fields are unchanged, and cleared when they
 * change (an S3 endpoint, region, bucket, access key id or addressing style; an SMTP customer
 * type, host, port, TLS mode or username), so it can never be sent to a server it was not entered for.
 */
export async function saveTarget(options: {
  id?: string;
  input: TTargetParsed;
}): Promise<SavedTarget> {
  const { input } = options;
  return db().$transaction(async (tx) => {
    const row = options.id ? await tx.target.findUnique({ where: { id: options.id } }) : null;
    if (options.id && !row) throw new UserError("No such target.", 404);
    const before = row ? toStoredTarget(row) : null;
    if (before && before.kind !== input.kind)
      throw new UserError("A target's kind cannot change; add a new target instead.", 400, {
        kind: "A target's kind cannot change.",
      });
    if (before?.id === GLOBAL_RELAY_TARGET_ID && input.name !== before.name)
      throw new UserError("The Global Relay target keeps its name.", 400, {
        name: "The built-in Global Relay target keeps its name.",
      });
    if (input.kind === "local" && input.config.path === "" && before?.id !== LOCAL_TARGET_ID)
      throw new UserError("Enter the directory's absolute path.", 400, {
        "config.path": "Enter an absolute path, such as /srv/custodian/exports.",
      });
    const clash = await tx.target.findUnique({ where: { name: input.name } });
    if (clash && clash.id !== options.id)
      throw new UserError(`A target named "${input.name}" exists already.`, 409, {
        name: "This name is taken.",
      });
    if (input.disabled && before && !before.disabled) {
      const use = await targetInUse(before.id, tx);
      if (use)
        throw new UserError(`"${before.name}" cannot be disabled: ${use}.`, 409, {
          disabled: `In use: ${use}.`,
        });
    }

    const typed = "secret" in input ? input.secret : undefined;
    const entered = typed === undefined || isMask(typed) ? undefined : typed;
    const secret = hasSecret(input.kind)
      ? keepOrClearSecret({
          current: before?.secret ?? "",
          entered,
          before: before ? secretEndpointOf(before.kind, before.config) : {},
          after: secretEndpointOf(input.kind, input.config),
        })
      : { secret: "", cleared: false };
    if (input.kind === "s3" && !secret.secret) {
      throw new UserError(
        secret.cleared
          ? "The endpoint, region, bucket, access key id or addressing style changed: enter the secret access key for it again."
          : "Enter the secret access key.",
        400,
        {
          secret: secret.cleared
            ? `${SECRET_LABEL.s3}: enter it again for the new endpoint.`
            : `Enter the ${SECRET_LABEL.s3.toLowerCase()}.`,
        },
      );
    }

    const id = options.id ?? randomUUID();
    const data = {
      kind: input.kind,
      name: input.name,
      disabled: input.disabled,
      config: JSON.stringify(input.config),
      secret: sealTargetSecret(input.kind, input.config, secret.secret),
    };
    const saved = options.id
      ? await tx.target.update({ where: { id }, data })
      : await tx.target.create({ data: { id, ...data } });
    const after = toStoredTarget(saved);
    const secretState = (t: StoredTarget | null) => (t && t.secret ? SECRET_MASK : "");
    const shape = (t: StoredTarget | null) =>
      t
        ? {
            name: t.name,
            kind: t.kind,
            disabled: t.disabled,
            config: t.config,
            secret: secretState(t),
          }
        : {};
    const diffs = configDiffs("Target", shape(before), shape(after));
    // A secret replaced by another shows the mask on both sides: say so all the same.
    if (entered !== undefined && before?.secret && !diffs.some((d) => d.path === "Target.secret"))
      diffs.push({ path: "Target.secret", base_val: SECRET_MASK, actual_val: SECRET_MASK });
    return {
      before: before ? toTargetView(before) : null,
      after: toTargetView(after),
      diffs,
      secretCleared: secret.cleared,
    };
  });
}
