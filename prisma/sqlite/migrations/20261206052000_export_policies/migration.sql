-- CreateTable
CREATE TABLE "ExportPolicy" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "format" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "filter" TEXT NOT NULL DEFAULT '{}',
    "schedule" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL,
    "batchSize" INTEGER NOT NULL DEFAULT 10000,
    "exportAttachments" BOOLEAN NOT NULL DEFAULT true,
    "decryptAttachments" BOOLEAN NOT NULL DEFAULT true,
    "exportFrom" BIGINT NOT NULL DEFAULT 0,
    "archivedAt" DATETIME,
    "missedAlertAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "ExportPolicy_name_key" ON "ExportPolicy"("name");

-- The policy "default" is today's export settings: same id as the cursor and the jobs already carry
-- ("default"), a daily schedule at the same time in the same zone (so today's slot key is the same),
-- the Global Relay format to the built-in archive mailbox and the other formats to the Destination.
INSERT INTO "ExportPolicy" ("id", "name", "enabled", "format", "targetId", "filter", "schedule", "timeZone", "batchSize", "exportAttachments", "decryptAttachments", "exportFrom", "updatedAt")
SELECT 'default', 'default',
       COALESCE(json_extract(s."value", '$.EnableExport'), 0),
       COALESCE(json_extract(s."value", '$.ExportFormat'), 'actiance'),
       CASE WHEN json_extract(s."value", '$.ExportFormat') = 'globalrelay' THEN 'globalrelay' ELSE COALESCE(json_extract(s."value", '$.Destination'), 'local') END,
       '{}',
       json_object('kind', 'daily', 'at', COALESCE(json_extract(s."value", '$.DailyRunTime'), '01:00')),
       COALESCE(json_extract(s."value", '$.TimeZone'), 'UTC'),
       COALESCE(json_extract(s."value", '$.BatchSize'), 10000),
       COALESCE(json_extract(s."value", '$.ExportAttachments'), 1),
       1,
       COALESCE(json_extract(s."value", '$.ExportFromTimestamp'), 0),
       CURRENT_TIMESTAMP
FROM "Setting" AS s WHERE s."key" = 'MessageExportSettings';
DELETE FROM "Setting" WHERE "key" = 'MessageExportSettings';
