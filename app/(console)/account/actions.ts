"use server";

import { changePassword } from "@/lib/admins/change-password.ts";
import { ZChangePasswordInput } from "@/lib/admins/schema.ts";
import { defineAction } from "@/app/_server/action.ts";

export const changePasswordAction = defineAction(
  {
    id: "/account#password",
    schema: ZChangePasswordInput,
    right: "signed-in",
    event: "updatePassword",
    objectType: "user",
    auditable: { endOtherSessions: true },
  },
  async ({ input, session, info }) => {
    const r = await changePassword({
      userId: session.user.id,
      ip: info.ipAddress,
      currentSessionId: session.id,
      currentPassword: input.currentPassword,
      password: input.password,
      endOtherSessions: input.endOtherSessions,
    });
    return { data: r, audit: { resultingState: { sessions_ended: r.sessionsEnded } } };
  },
);
