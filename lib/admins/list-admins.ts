import { db } from "../db/client.ts";
import type { Right } from "../auth/rights.ts";

export type AdminView = {
  id: string;
  email: string;
  isOwner: boolean;
  rights: Right[];
  disabled: boolean;
  pendingPassword: boolean;
  activeSessions: number;
  createdAt: number;
};

export async function listAdmins(now = new Date()): Promise<AdminView[]> {
  const rows = await db().adminUser.findMany({
    orderBy: [{ createdAt: "asc" }, { email: "asc" }],
    include: {
      rights: true,
      sessions: { where: { revokedAt: null, expiresAt: { gt: now } }, select: { id: true } },
    },
  });
  return rows.map((u) => ({
    id: u.id,
    email: u.email,
    isOwner: u.ownerSlot === "owner",
    rights: u.rights.map((r) => r.right as Right).sort(),
    disabled: u.disabledAt !== null,
    pendingPassword: u.passwordTokenHash !== null,
    activeSessions: u.sessions.length,
    createdAt: u.createdAt.getTime(),
  }));
}
