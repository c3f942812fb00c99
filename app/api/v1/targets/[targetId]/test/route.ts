import { consumeRateLimit, SMTP_TEST_LIMIT } from "@/lib/auth/rate-limit.ts";
import { UserError } from "@/lib/errors/user-error.ts";
import { ZTargetRef } from "@/lib/targets/schema.ts";
import { testTargetConnection } from "@/lib/targets/test-target-connection.ts";
import { sessionRoute } from "@/app/_server/route.ts";

export const dynamic = "force-dynamic";

/** Test connection: S3 writes, reads back and deletes a probe object; SMTP connects and authenticates. Rate-limited like every connection test. */
export const POST = sessionRoute(
  {
    right: "configure",
    audit: {
      event: "testTargetConnection",
      objectType: "target",
      apiPath: "/api/v1/targets/[targetId]/test",
    },
  },
  async ({ params, session }) => {
    const ref = ZTargetRef.safeParse({ id: params.targetId });
    if (!ref.success) throw new UserError("No such target.", 404);
    const allowed = await consumeRateLimit({
      key: `smtp-test:${session.user.id}`,
      ...SMTP_TEST_LIMIT,
    });
    if (!allowed.ok)
      throw new UserError(
        `Too many connection tests. Try again in ${allowed.retryAfterSeconds} seconds.`,
        429,
      );
    const result = await testTargetConnection({ idOrName: ref.data.id });
    return {
      response: Response.json(
        { ok: result.ok, message: result.message },
        { headers: { "Cache-Control": "no-store" } },
      ),
      audit: {
        parameters: {
          target_id: ref.data.id,
          name: result.name,
          kind: result.kind,
          ...result.dialled,
        },
        resultingState: { ok: result.ok, message: result.message },
      },
    };
  },
);
