-- AlterTable
ALTER TABLE "ExportBatch" ADD COLUMN "attachments" TEXT NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "ExportJob" ADD COLUMN "reconciliation" TEXT NOT NULL DEFAULT '';

-- CreateTable
CREATE TABLE "QuarantinedPost" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "policyId" TEXT NOT NULL,
    "postId" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "updateAt" BIGINT NOT NULL,
    "crashes" INTEGER NOT NULL DEFAULT 0,
    "state" TEXT NOT NULL DEFAULT 'quarantined',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "releasedAt" DATETIME,
    "releasedByJobId" TEXT
);

-- CreateIndex
CREATE INDEX "QuarantinedPost_policyId_state_idx" ON "QuarantinedPost"("policyId", "state");

-- CreateIndex
CREATE UNIQUE INDEX "QuarantinedPost_policyId_postId_key" ON "QuarantinedPost"("policyId", "postId");
