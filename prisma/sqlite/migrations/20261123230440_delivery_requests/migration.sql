/*
  Warnings:

  - A unique constraint covering the columns `[passwordTokenHash]` on the table `AdminUser` will be added. If there are existing duplicate values, this will fail.

*/
-- AlterTable
ALTER TABLE "AdminUser" ADD COLUMN "passwordTokenExpiresAt" DATETIME;
ALTER TABLE "AdminUser" ADD COLUMN "passwordTokenHash" TEXT;

-- CreateTable
CREATE TABLE "DeliveryLedger" (
    "messageId" TEXT NOT NULL PRIMARY KEY,
    "jobId" TEXT NOT NULL,
    "batchNumber" INTEGER NOT NULL,
    "channelId" TEXT NOT NULL,
    "part" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT NOT NULL DEFAULT '',
    "size" BIGINT NOT NULL DEFAULT 0,
    "sentAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ExportJob" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "type" TEXT NOT NULL DEFAULT 'message_export',
    "policyId" TEXT NOT NULL DEFAULT 'default',
    "trigger" TEXT NOT NULL,
    "initiatedBy" TEXT NOT NULL DEFAULT '',
    "initiatedByLabel" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL,
    "progress" INTEGER NOT NULL DEFAULT 0,
    "format" TEXT NOT NULL,
    "dailySlot" TEXT,
    "activeSlot" TEXT,
    "movesCursor" BOOLEAN NOT NULL DEFAULT true,
    "data" TEXT NOT NULL DEFAULT '{}',
    "windowStart" BIGINT,
    "windowEnd" BIGINT,
    "exportDir" TEXT NOT NULL DEFAULT '',
    "messagesExported" INTEGER NOT NULL DEFAULT 0,
    "filesExported" INTEGER NOT NULL DEFAULT 0,
    "warningCount" INTEGER NOT NULL DEFAULT 0,
    "batchesWritten" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT NOT NULL DEFAULT '',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 3,
    "leaseOwner" TEXT,
    "leaseEpoch" INTEGER NOT NULL DEFAULT 0,
    "leaseExpiresAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL,
    "notifiedAt" DATETIME,
    "legalHold" BOOLEAN NOT NULL DEFAULT false,
    "filesDeletedAt" DATETIME
);
INSERT INTO "new_ExportJob" ("activeSlot", "attempts", "batchesWritten", "createdAt", "dailySlot", "data", "error", "exportDir", "filesExported", "finishedAt", "format", "id", "initiatedBy", "initiatedByLabel", "leaseEpoch", "leaseExpiresAt", "leaseOwner", "maxAttempts", "messagesExported", "movesCursor", "policyId", "progress", "startedAt", "status", "trigger", "type", "updatedAt", "warningCount", "windowEnd", "windowStart") SELECT "activeSlot", "attempts", "batchesWritten", "createdAt", "dailySlot", "data", "error", "exportDir", "filesExported", "finishedAt", "format", "id", "initiatedBy", "initiatedByLabel", "leaseEpoch", "leaseExpiresAt", "leaseOwner", "maxAttempts", "messagesExported", "movesCursor", "policyId", "progress", "startedAt", "status", "trigger", "type", "updatedAt", "warningCount", "windowEnd", "windowStart" FROM "ExportJob";
DROP TABLE "ExportJob";
ALTER TABLE "new_ExportJob" RENAME TO "ExportJob";
CREATE UNIQUE INDEX "ExportJob_dailySlot_key" ON "ExportJob"("dailySlot");
CREATE UNIQUE INDEX "ExportJob_activeSlot_key" ON "ExportJob"("activeSlot");
CREATE INDEX "ExportJob_status_createdAt_idx" ON "ExportJob"("status", "createdAt");
CREATE INDEX "ExportJob_policyId_status_finishedAt_idx" ON "ExportJob"("policyId", "status", "finishedAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "DeliveryLedger_jobId_batchNumber_idx" ON "DeliveryLedger"("jobId", "batchNumber");

-- CreateIndex
CREATE UNIQUE INDEX "AdminUser_passwordTokenHash_key" ON "AdminUser"("passwordTokenHash");
