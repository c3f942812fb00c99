-- CreateTable
CREATE TABLE "Target" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "config" TEXT NOT NULL DEFAULT '{}',
    "secret" TEXT NOT NULL DEFAULT '',
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "Target_name_key" ON "Target"("name");

-- AlterTable (ADD COLUMN rather than Prisma's table rebuild: ExportJob keeps its rows and indexes as they are)
ALTER TABLE "ExportJob" ADD COLUMN "legalHoldReason" TEXT NOT NULL DEFAULT '';
ALTER TABLE "ExportJob" ADD COLUMN "legalHoldBy" TEXT NOT NULL DEFAULT '';
ALTER TABLE "ExportJob" ADD COLUMN "legalHoldAt" DATETIME;

-- The built-in targets, under the ids existing jobs already carry: "local" is the export directory
-- (an empty path means CUSTODIAN_EXPORT_DIR), "globalrelay" takes over the Global Relay settings,
-- its password moved still sealed (it is bound to the same endpoint fields).
INSERT INTO "Target" ("id", "kind", "name", "config", "secret", "updatedAt")
VALUES ('local', 'local', 'Local exports', '{"path":""}', '', CURRENT_TIMESTAMP);
INSERT INTO "Target" ("id", "kind", "name", "config", "secret", "updatedAt")
SELECT 'globalrelay', 'smtp', 'Global Relay',
       COALESCE(json_remove(json_extract(s."value", '$.GlobalRelaySettings'), '$.SMTPPassword'), '{}'),
       COALESCE(json_extract(s."value", '$.GlobalRelaySettings.SMTPPassword'), ''),
       CURRENT_TIMESTAMP
FROM (SELECT 1) AS one LEFT JOIN "Setting" AS s ON s."key" = 'MessageExportSettings';
UPDATE "Setting" SET "value" = json_remove("value", '$.GlobalRelaySettings') WHERE "key" = 'MessageExportSettings';
