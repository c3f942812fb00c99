-- AlterTable
ALTER TABLE "AdminUser" ADD COLUMN "rightsEpoch" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "RateLimit" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "count" INTEGER NOT NULL DEFAULT 0,
    "windowStartMs" BIGINT NOT NULL
);
