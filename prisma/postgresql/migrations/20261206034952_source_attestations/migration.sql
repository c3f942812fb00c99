-- CreateTable
CREATE TABLE "SourceAttestation" (
    "channelId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL,
    "posts" INTEGER NOT NULL,
    "files" INTEGER NOT NULL,
    "receivedAt" BIGINT NOT NULL,
    "shortNotifiedAt" BIGINT,

    CONSTRAINT "SourceAttestation_pkey" PRIMARY KEY ("channelId", "day")
);

-- CreateIndex
CREATE INDEX "SourceAttestation_day_idx" ON "SourceAttestation"("day");
