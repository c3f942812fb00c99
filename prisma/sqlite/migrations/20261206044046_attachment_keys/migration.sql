-- CreateTable
CREATE TABLE "AttachmentKey" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sealedKey" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retiredAt" DATETIME
);
