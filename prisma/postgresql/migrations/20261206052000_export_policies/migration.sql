-- CreateTable
CREATE TABLE "ExportPolicy" (
    "id" TEXT NOT NULL,
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
    "archivedAt" TIMESTAMP(3),
    "missedAlertAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ExportPolicy_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ExportPolicy_name_key" ON "ExportPolicy"("name");

-- The policy "default" is today's export settings: same id as the cursor and the jobs already carry
-- ("default"), a daily schedule at the same time in the same zone (so today's slot key is the same),
-- the Global Relay format to the built-in archive mailbox and the other formats to the Destination.
INSERT INTO "ExportPolicy" ("id", "name", "enabled", "format", "targetId", "filter", "schedule", "timeZone", "batchSize", "exportAttachments", "decryptAttachments", "exportFrom", "updatedAt")
SELECT 'default', 'default',
       COALESCE((v.j ->> 'EnableExport')::boolean, false),
       COALESCE(v.j ->> 'ExportFormat', 'actiance'),
       CASE WHEN v.j ->> 'ExportFormat' = 'globalrelay' THEN 'globalrelay' ELSE COALESCE(v.j ->> 'Destination', 'local') END,
       '{}',
       jsonb_build_object('kind', 'daily', 'at', COALESCE(v.j ->> 'DailyRunTime', '01:00'))::text,
       COALESCE(v.j ->> 'TimeZone', 'UTC'),
       COALESCE((v.j ->> 'BatchSize')::integer, 10000),
       COALESCE((v.j ->> 'ExportAttachments')::boolean, true),
       true,
       COALESCE((v.j ->> 'ExportFromTimestamp')::bigint, 0),
       CURRENT_TIMESTAMP
FROM (SELECT s."value"::jsonb AS j FROM "Setting" AS s WHERE s."key" = 'MessageExportSettings') AS v;
DELETE FROM "Setting" WHERE "key" = 'MessageExportSettings';
