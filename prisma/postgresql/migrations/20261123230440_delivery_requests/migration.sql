/*
  Warnings:

  - A unique constraint covering the columns `[passwordTokenHash]` on the table `AdminUser` will be added. If there are existing duplicate values, this will fail.

*/
-- AlterTable
ALTER TABLE "AdminUser" ADD COLUMN     "passwordTokenExpiresAt" TIMESTAMP(3),
ADD COLUMN     "passwordTokenHash" TEXT;

-- AlterTable
ALTER TABLE "ExportJob" ADD COLUMN     "filesDeletedAt" TIMESTAMP(3),
ADD COLUMN     "legalHold" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "notifiedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "DeliveryLedger" (
    "messageId" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "batchNumber" INTEGER NOT NULL,
    "channelId" TEXT NOT NULL,
    "part" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT NOT NULL DEFAULT '',
    "size" BIGINT NOT NULL DEFAULT 0,
    "sentAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DeliveryLedger_pkey" PRIMARY KEY ("messageId")
);

-- CreateIndex
CREATE INDEX "DeliveryLedger_jobId_batchNumber_idx" ON "DeliveryLedger"("jobId", "batchNumber");

-- CreateIndex
CREATE UNIQUE INDEX "AdminUser_passwordTokenHash_key" ON "AdminUser"("passwordTokenHash");
