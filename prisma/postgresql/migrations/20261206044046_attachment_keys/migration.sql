-- CreateTable
CREATE TABLE "AttachmentKey" (
    "id" TEXT NOT NULL,
    "sealedKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retiredAt" TIMESTAMP(3),

    CONSTRAINT "AttachmentKey_pkey" PRIMARY KEY ("id")
);
