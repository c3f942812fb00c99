import { z } from "zod";
import { testTargetConnection } from "../../../targets/test-target-connection.ts";
import { defineCommand } from "../../define-command.ts";

export const test = defineCommand({
  name: "target test",
  summary:
    "Test a target: S3 writes, reads back and deletes a probe object; SMTP connects and authenticates",
  positionals: ["name"],
  schema: z.object({ name: z.string().min(1) }),
  json: true,
  audit: { event: "testTargetConnection", objectType: "target" },
  async run({ input, emit }) {
    const result = await testTargetConnection({ idOrName: input.name });
    emit(
      { ok: result.ok, message: result.message },
      (r) => `${r.ok ? "ok" : "failed"}: ${r.message}`,
    );
    return {
      exitCode: result.ok ? 0 : 1,
      audit: {
        parameters: { name: result.name, kind: result.kind, ...result.dialled },
        resultingState: { ok: result.ok, message: result.message },
      },
    };
  },
});
