"use server";

import { consumeRateLimit, SMTP_TEST_LIMIT } from "@/lib/auth/rate-limit.ts";
import { changeTarget } from "@/lib/notifications/change-target.ts";
import { removeTarget } from "@/lib/targets/remove-target.ts";
import { TARGET_SAVE_AUDIT_FIELDS, ZTargetRef, ZTargetSave } from "@/lib/targets/schema.ts";
import { testTargetConnection } from "@/lib/targets/test-target-connection.ts";
import { AuditedUserError, defineAction } from "@/app/_server/action.ts";

/** Adds a target, or changes one (a destination change is announced to the owner and auditors). */
export const saveTargetAction = defineAction(
  {
    id: "/targets#save",
    schema: ZTargetSave,
    right: "configure",
    event: "patchTarget",
    objectType: "target",
    auditable: TARGET_SAVE_AUDIT_FIELDS,
  },
  async ({ input, session }) => {
    const { saved, audit } = await changeTarget({
      id: input.id || undefined,
      input: input.target,
      changedBy: session.user.email,
    });
    return {
      data: { target: saved.after, secretCleared: saved.secretCleared, created: !saved.before },
      audit: { ...audit, parameters: { created: !saved.before } },
    };
  },
);

export const removeTargetAction = defineAction(
  {
    id: "/targets#remove",
    schema: ZTargetRef,
    right: "configure",
    event: "deleteTarget",
    objectType: "target",
    auditable: { id: true },
  },
  async ({ input }) => {
    const removed = await removeTarget({ id: input.id });
    return {
      data: { removed: removed.id },
      audit: {
        parameters: { target_id: removed.id },
        priorState: { name: removed.name, kind: removed.kind, destination: removed.destination },
      },
    };
  },
);

/** Rate-limited with the other connection tests (5 per admin per 10 minutes), audited with what it dialled. */
export const testTargetAction = defineAction(
  {
    id: "/targets#test",
    schema: ZTargetRef,
    right: "configure",
    event: "testTargetConnection",
    objectType: "target",
    auditable: { id: true },
  },
  async ({ input, session }) => {
    const allowed = await consumeRateLimit({
      key: `smtp-test:${session.user.id}`,
      ...SMTP_TEST_LIMIT,
    });
    if (!allowed.ok)
      throw new AuditedUserError(
        `Too many connection tests. Try again in ${allowed.retryAfterSeconds} seconds.`,
        429,
        { target_id: input.id },
      );
    const result = await testTargetConnection({ idOrName: input.id });
    return {
      data: { ok: result.ok, message: result.message },
      audit: {
        parameters: {
          target_id: input.id,
          name: result.name,
          kind: result.kind,
          ...result.dialled,
        },
        resultingState: { ok: result.ok, message: result.message },
      },
    };
  },
);
