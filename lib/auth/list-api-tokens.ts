import { db } from "../db/client.ts";

export type ApiTokenView = {
  id: string;
  name: string;
  userId: string;
  email: string;
  createdAt: number;
  expiresAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
  status: "active" | "expired" | "revoked";
};

/** API tokens, newest first (one admin's, or every admin's for the operator), never their hashes. */
export async function listApiTokens(
  options: { userId?: string; now?: Date } = {},
): Promise<ApiTokenView[]> {
  const now = options.now ?? new Date();
  const rows = await db().apiToken.findMany({
    where: options.userId ? { userId: options.userId } : {},
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    include: { user: { select: { email: true } } },
  });
  return rows.map((t) => ({
    id: t.id,
    name: t.name,
    userId: t.userId,
    email: t.user.email,
    createdAt: t.createdAt.getTime(),
    expiresAt: t.expiresAt.getTime(),
    lastUsedAt: t.lastUsedAt?.getTime() ?? null,
    revokedAt: t.revokedAt?.getTime() ?? null,
    status: t.revokedAt ? "revoked" : t.expiresAt <= now ? "expired" : "active",
  }));
}
