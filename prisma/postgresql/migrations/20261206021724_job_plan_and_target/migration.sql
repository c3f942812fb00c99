-- AlterTable
ALTER TABLE "ExportJob" ADD COLUMN     "emailsDelivered" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "plan" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "targetFamily" TEXT NOT NULL DEFAULT 'files',
ADD COLUMN     "targetId" TEXT NOT NULL DEFAULT 'local';

-- Jobs from before targets: Global Relay jobs went to the archive mailbox, keeping their delivered count.
UPDATE "ExportJob" SET "targetId" = 'globalrelay', "targetFamily" = 'mailbox' WHERE "format" = 'globalrelay';
UPDATE "ExportJob" SET "emailsDelivered" = ("data"::jsonb ->> 'emails_delivered')::integer
  WHERE "data" LIKE '{%' AND ("data"::jsonb ? 'emails_delivered');
