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
    "plan" TEXT NOT NULL DEFAULT '',
    "targetId" TEXT NOT NULL DEFAULT 'local',
    "targetFamily" TEXT NOT NULL DEFAULT 'files',
    "emailsDelivered" INTEGER NOT NULL DEFAULT 0,
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
INSERT INTO "new_ExportJob" ("activeSlot", "attempts", "batchesWritten", "createdAt", "dailySlot", "data", "error", "exportDir", "filesDeletedAt", "filesExported", "finishedAt", "format", "id", "initiatedBy", "initiatedByLabel", "leaseEpoch", "leaseExpiresAt", "leaseOwner", "legalHold", "maxAttempts", "messagesExported", "movesCursor", "notifiedAt", "policyId", "progress", "startedAt", "status", "trigger", "type", "updatedAt", "warningCount", "windowEnd", "windowStart") SELECT "activeSlot", "attempts", "batchesWritten", "createdAt", "dailySlot", "data", "error", "exportDir", "filesDeletedAt", "filesExported", "finishedAt", "format", "id", "initiatedBy", "initiatedByLabel", "leaseEpoch", "leaseExpiresAt", "leaseOwner", "legalHold", "maxAttempts", "messagesExported", "movesCursor", "notifiedAt", "policyId", "progress", "startedAt", "status", "trigger", "type", "updatedAt", "warningCount", "windowEnd", "windowStart" FROM "ExportJob";
DROP TABLE "ExportJob";
ALTER TABLE "new_ExportJob" RENAME TO "ExportJob";
CREATE UNIQUE INDEX "ExportJob_dailySlot_key" ON "ExportJob"("dailySlot");
CREATE UNIQUE INDEX "ExportJob_activeSlot_key" ON "ExportJob"("activeSlot");
CREATE INDEX "ExportJob_status_createdAt_idx" ON "ExportJob"("status", "createdAt");
CREATE INDEX "ExportJob_policyId_status_finishedAt_idx" ON "ExportJob"("policyId", "status", "finishedAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- Jobs from before targets: Global Relay jobs went to the archive mailbox, keeping their delivered count.
UPDATE "ExportJob" SET "targetId" = 'globalrelay', "targetFamily" = 'mailbox' WHERE "format" = 'globalrelay';
UPDATE "ExportJob" SET "emailsDelivered" = CAST(json_extract("data", '$.emails_delivered') AS INTEGER)
  WHERE json_valid("data") AND json_extract("data", '$.emails_delivered') IS NOT NULL;
