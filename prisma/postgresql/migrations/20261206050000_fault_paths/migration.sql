-- AlterTable
ALTER TABLE "ExportJob" ADD COLUMN     "attemptsWithoutProgress" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "lastProgressAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "DeliveryLedger" ADD COLUMN     "duplicateRisk" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "RefusedDelivery" (
    "jobId" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "batchNumber" INTEGER NOT NULL,
    "channelId" TEXT NOT NULL,
    "postIds" TEXT NOT NULL DEFAULT '[]',
    "posts" INTEGER NOT NULL DEFAULT 0,
    "reply" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'refused',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),

    CONSTRAINT "RefusedDelivery_pkey" PRIMARY KEY ("jobId","messageId")
);

-- AddForeignKey
ALTER TABLE "RefusedDelivery" ADD CONSTRAINT "RefusedDelivery_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "ExportJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;
