-- AlterTable
ALTER TABLE "ExportJob" ADD COLUMN     "legalHoldAt" TIMESTAMP(3),
ADD COLUMN     "legalHoldBy" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "legalHoldReason" TEXT NOT NULL DEFAULT '';

-- CreateTable
CREATE TABLE "Target" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "config" TEXT NOT NULL DEFAULT '{}',
    "secret" TEXT NOT NULL DEFAULT '',
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Target_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Target_name_key" ON "Target"("name");

-- The built-in targets, under the ids existing jobs already carry: "local" is the export directory
-- (an empty path means CUSTODIAN_EXPORT_DIR), "globalrelay" takes over the Global Relay settings,
-- its password moved still sealed (it is bound to the same endpoint fields).
INSERT INTO "Target" ("id", "kind", "name", "config", "secret", "updatedAt")
VALUES ('local', 'local', 'Local exports', '{"path":""}', '', CURRENT_TIMESTAMP);
INSERT INTO "Target" ("id", "kind", "name", "config", "secret", "updatedAt")
SELECT 'globalrelay', 'smtp', 'Global Relay',
       COALESCE((((s."value"::jsonb) -> 'GlobalRelaySettings') - 'SMTPPassword')::text, '{}'),
       COALESCE((s."value"::jsonb) -> 'GlobalRelaySettings' ->> 'SMTPPassword', ''),
       CURRENT_TIMESTAMP
FROM (SELECT 1) AS one LEFT JOIN "Setting" AS s ON s."key" = 'MessageExportSettings';
UPDATE "Setting" SET "value" = (("value"::jsonb) - 'GlobalRelaySettings')::text WHERE "key" = 'MessageExportSettings';
