// Emails the archive refused (issue 15 item 5): recorded with their batch, listed on the job (page,
// `jobs show`, API) and sent again, under the same Message-ID, by "Retry failed deliveries".

import { db, type Tx } from "../../db/client.ts";
import type { RefusedEmail } from "../target.ts";

export type RefusedDeliveryView = {
  messageId: string;
  batchNumber: number;
  channelId: string;
  postIds: string[];
  posts: number;
  reply: string;
  status: "refused" | "delivered";
  resolvedAt: string | null;
};

export async function recordRefusedDeliveries(
  tx: Tx,
  options: { jobId: string; batchNumber: number; refused: RefusedEmail[] },
): Promise<void> {
  for (const r of options.refused) {
    const data = {
      batchNumber: options.batchNumber,
      channelId: r.channelId,
      postIds: JSON.stringify(r.postIds),
      posts: r.posts,
      reply: r.reply.slice(0, 2000),
      status: "refused",
      resolvedAt: null,
    };
    await tx.refusedDelivery.upsert({
      where: { jobId_messageId: { jobId: options.jobId, messageId: r.messageId } },
      create: { jobId: options.jobId, messageId: r.messageId, ...data },
      update: data,
    });
  }
}

export async function listRefusedDeliveries(jobId: string): Promise<RefusedDeliveryView[]> {
  const rows = await db().refusedDelivery.findMany({
    where: { jobId },
    orderBy: [{ batchNumber: "asc" }, { messageId: "asc" }],
  });
  return rows.map((r) => ({
    messageId: r.messageId,
    batchNumber: r.batchNumber,
    channelId: r.channelId,
    postIds: JSON.parse(r.postIds) as string[],
    posts: r.posts,
    reply: r.reply,
    status: r.status === "delivered" ? "delivered" : "refused",
    resolvedAt: r.resolvedAt?.toISOString() ?? null,
  }));
}
