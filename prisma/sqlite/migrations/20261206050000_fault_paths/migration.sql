-- AlterTable (ADD COLUMN rather than Prisma's table rebuild: ExportJob keeps its rows and indexes as they are)
ALTER TABLE "ExportJob" ADD COLUMN "attemptsWithoutProgress" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "ExportJob" ADD COLUMN "lastProgressAt" DATETIME;
ALTER TABLE "DeliveryLedger" ADD COLUMN "duplicateRisk" BOOLEAN NOT NULL DEFAULT false;

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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" DATETIME,

    PRIMARY KEY ("jobId", "messageId"),
    CONSTRAINT "RefusedDelivery_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "ExportJob" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
