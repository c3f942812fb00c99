"use server";

import { addAdmin } from "@/lib/admins/add-admin.ts";
import { deactivateAdmin, reactivateAdmin } from "@/lib/admins/deactivate-admin.ts";
import { reissuePasswordLink } from "@/lib/admins/reissue-password-link.ts";
import { ZAddAdminInput, ZAdminRef, ZUpdateRightsInput } from "@/lib/admins/schema.ts";
import { updateAdminRights } from "@/lib/admins/update-admin-rights.ts";
import { sendInvitation, sendPasswordReset } from "@/lib/notifications/send-invitation.ts";
import { revokeUserSessions } from "@/lib/auth/sessions.ts";
import { defineAction } from "@/app/_server/action.ts";

export const addAdminAction = defineAction(
  {
    id: "/admins#add",
    schema: ZAddAdminInput,
    right: "manage_admins",
    event: "createUser",
    objectType: "user",
    auditable: { email: true, rights: true },
  },
  async ({ input, session }) => {
    const added = await addAdmin({ actor: session.user, email: input.email, rights: input.rights });
    const sent = await sendInvitation({
      email: input.email,
      token: added.token,
      expiresAt: added.expiresAt,
      invitedBy: session.user.email,
    });
    return {
      // An emailed link is not shown in the console as well: one copy of a credential is enough.
      data: {
        userId: added.userId,
        token: sent.emailed ? null : added.token,
        emailed: sent.emailed,
        notEmailedBecause: sent.reason,
        expiresAt: added.expiresAt.getTime(),
      },
      audit: {
        resultingState: {
          user_id: added.userId,
          email: input.email,
          rights: input.rights,
          invitation_emailed: sent.emailed,
          ...(sent.emailed ? {} : { not_emailed_because: sent.reason }),
        },
      },
    };
  },
);

export const updateRightsAction = defineAction(
  {
    id: "/admins#rights",
    schema: ZUpdateRightsInput,
    right: "manage_admins",
    event: "updateUserRoles",
    objectType: "user",
    auditable: { userId: true, rights: true },
  },
  async ({ input, session }) => {
    const change = await updateAdminRights({
      actor: session.user,
      userId: input.userId,
      rights: input.rights,
    });
    return {
      data: change,
      audit: { priorState: { rights: change.before }, resultingState: { rights: change.after } },
    };
  },
);

export const deactivateAdminAction = defineAction(
  {
    id: "/admins#deactivate",
    schema: ZAdminRef,
    right: "manage_admins",
    event: "deleteUser",
    objectType: "user",
    auditable: { userId: true },
  },
  async ({ input, session }) => {
    const r = await deactivateAdmin({
      actorId: session.user.id,
      userId: input.userId,
      remove: false,
    });
    return {
      data: r,
      audit: {
        parameters: { mode: "deactivate" },
        resultingState: { email: r.email, disabled: true, sessions_ended: r.sessionsEnded },
      },
    };
  },
);

export const removeAdminAction = defineAction(
  {
    id: "/admins#remove",
    schema: ZAdminRef,
    right: "manage_admins",
    event: "deleteUser",
    objectType: "user",
    auditable: { userId: true },
  },
  async ({ input, session }) => {
    const r = await deactivateAdmin({
      actorId: session.user.id,
      userId: input.userId,
      remove: true,
    });
    return {
      data: r,
      audit: {
        parameters: { mode: "remove" },
        resultingState: { email: r.email, removed: true, sessions_ended: r.sessionsEnded },
      },
    };
  },
);

export const reactivateAdminAction = defineAction(
  {
    id: "/admins#reactivate",
    schema: ZAdminRef,
    right: "manage_admins",
    event: "updateUserRoles",
    objectType: "user",
    auditable: { userId: true },
  },
  async ({ input, session }) => {
    const r = await reactivateAdmin({ actorId: session.user.id, userId: input.userId });
    return {
      data: r,
      audit: {
        parameters: { mode: "reactivate" },
        resultingState: { email: r.email, disabled: false },
      },
    };
  },
);

export const endSessionsAction = defineAction(
  {
    id: "/admins#endSessions",
    schema: ZAdminRef,
    right: "manage_admins",
    event: "revokeSession",
    objectType: "session",
    auditable: { userId: true },
  },
  async ({ input }) => {
    const count = await revokeUserSessions(input.userId);
    return { data: { count }, audit: { resultingState: { sessions_ended: count } } };
  },
);

export const reissuePasswordLinkAction = defineAction(
  {
    id: "/admins#passwordLink",
    schema: ZAdminRef,
    right: "manage_admins",
    event: "updatePassword",
    objectType: "user",
    auditable: { userId: true },
  },
  async ({ input, session }) => {
    const r = await reissuePasswordLink({ actorId: session.user.id, userId: input.userId });
    // Emailed to the admin when mail works: the caller never holds another admin's credential then.
    const sent = await sendPasswordReset({
      email: r.email,
      token: r.token,
      expiresAt: r.expiresAt,
      resetBy: session.user.email,
    });
    return {
      data: {
        email: r.email,
        token: sent.emailed ? null : r.token,
        emailed: sent.emailed,
        notEmailedBecause: sent.reason,
        expiresAt: r.expiresAt.getTime(),
      },
      audit: {
        parameters: { mode: "one-time link issued" },
        resultingState: {
          email: r.email,
          link_expires_at: r.expiresAt.toISOString(),
          link_emailed: sent.emailed,
          ...(sent.emailed ? {} : { not_emailed_because: sent.reason }),
        },
      },
    };
  },
);
