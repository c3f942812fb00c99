-- CreateTable
CREATE TABLE "FeedSequence" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT DEFAULT 1,
    "value" BIGINT NOT NULL DEFAULT 0
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ChannelMemberHistory" (
    "channelId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "joinTime" BIGINT NOT NULL,
    "leaveTime" BIGINT,
    "seq" BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY ("channelId", "userId", "joinTime")
);
INSERT INTO "new_ChannelMemberHistory" ("channelId", "joinTime", "leaveTime", "userId") SELECT "channelId", "joinTime", "leaveTime", "userId" FROM "ChannelMemberHistory";
DROP TABLE "ChannelMemberHistory";
ALTER TABLE "new_ChannelMemberHistory" RENAME TO "ChannelMemberHistory";
CREATE INDEX "ChannelMemberHistory_channelId_joinTime_idx" ON "ChannelMemberHistory"("channelId", "joinTime");
CREATE INDEX "ChannelMemberHistory_userId_idx" ON "ChannelMemberHistory"("userId");
CREATE TABLE "new_ExportBatch" (
    "jobId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "fileName" TEXT NOT NULL,
    "startTime" BIGINT NOT NULL,
    "endTime" BIGINT NOT NULL,
    "fromUpdateAt" BIGINT NOT NULL,
    "fromPostId" TEXT NOT NULL,
    "toUpdateAt" BIGINT NOT NULL,
    "toPostId" TEXT NOT NULL,
    "messages" INTEGER NOT NULL,
    "files" INTEGER NOT NULL,
    "warnings" INTEGER NOT NULL,
    "size" BIGINT NOT NULL DEFAULT 0,
    "sha256" TEXT NOT NULL DEFAULT '',
    "feedTo" BIGINT NOT NULL DEFAULT 0,
    "readSeq" BIGINT NOT NULL DEFAULT 0,
    "late" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("jobId", "number"),
    CONSTRAINT "ExportBatch_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "ExportJob" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_ExportBatch" ("createdAt", "endTime", "fileName", "files", "fromPostId", "fromUpdateAt", "jobId", "messages", "number", "sha256", "size", "startTime", "toPostId", "toUpdateAt", "warnings") SELECT "createdAt", "endTime", "fileName", "files", "fromPostId", "fromUpdateAt", "jobId", "messages", "number", "sha256", "size", "startTime", "toPostId", "toUpdateAt", "warnings" FROM "ExportBatch";
DROP TABLE "ExportBatch";
ALTER TABLE "new_ExportBatch" RENAME TO "ExportBatch";
CREATE TABLE "new_ExportCursor" (
    "policyId" TEXT NOT NULL PRIMARY KEY,
    "lastUpdateAt" BIGINT NOT NULL,
    "lastPostId" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT '',
    "jobId" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_ExportCursor" ("jobId", "lastPostId", "lastUpdateAt", "policyId", "updatedAt") SELECT "jobId", "lastPostId", "lastUpdateAt", "policyId", "updatedAt" FROM "ExportCursor";
DROP TABLE "ExportCursor";
ALTER TABLE "new_ExportCursor" RENAME TO "ExportCursor";
CREATE TABLE "new_ExportJob" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "type" TEXT NOT NULL DEFAULT 'message_export',
    "policyId" TEXT NOT NULL DEFAULT 'default',
    "trigger" TEXT NOT NULL,
    "initiatedBy" TEXT NOT NULL DEFAULT '',
    "initiatedByLabel" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL,
    "progress" INTEGER NOT NULL DEFAULT 0,
    "format" TEXT NOT NULL,
    "dailySlot" TEXT,
    "activeSlot" TEXT,
    "movesCursor" BOOLEAN NOT NULL DEFAULT true,
    "data" TEXT NOT NULL DEFAULT '{}',
    "plan" TEXT NOT NULL DEFAULT '',
    "targetId" TEXT NOT NULL DEFAULT 'local',
    "targetFamily" TEXT NOT NULL DEFAULT 'files',
    "emailsDelivered" INTEGER NOT NULL DEFAULT 0,
    "lateArrivals" INTEGER NOT NULL DEFAULT 0,
    "windowStart" BIGINT,
    "windowEnd" BIGINT,
    "exportDir" TEXT NOT NULL DEFAULT '',
    "messagesExported" INTEGER NOT NULL DEFAULT 0,
    "filesExported" INTEGER NOT NULL DEFAULT 0,
    "warningCount" INTEGER NOT NULL DEFAULT 0,
    "batchesWritten" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT NOT NULL DEFAULT '',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 3,
    "leaseOwner" TEXT,
    "leaseEpoch" INTEGER NOT NULL DEFAULT 0,
    "leaseExpiresAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL,
    "notifiedAt" DATETIME,
    "legalHold" BOOLEAN NOT NULL DEFAULT false,
    "filesDeletedAt" DATETIME
);
INSERT INTO "new_ExportJob" ("activeSlot", "attempts", "batchesWritten", "createdAt", "dailySlot", "data", "emailsDelivered", "error", "exportDir", "filesDeletedAt", "filesExported", "finishedAt", "format", "id", "initiatedBy", "initiatedByLabel", "leaseEpoch", "leaseExpiresAt", "leaseOwner", "legalHold", "maxAttempts", "messagesExported", "movesCursor", "notifiedAt", "plan", "policyId", "progress", "startedAt", "status", "targetFamily", "targetId", "trigger", "type", "updatedAt", "warningCount", "windowEnd", "windowStart") SELECT "activeSlot", "attempts", "batchesWritten", "createdAt", "dailySlot", "data", "emailsDelivered", "error", "exportDir", "filesDeletedAt", "filesExported", "finishedAt", "format", "id", "initiatedBy", "initiatedByLabel", "leaseEpoch", "leaseExpiresAt", "leaseOwner", "legalHold", "maxAttempts", "messagesExported", "movesCursor", "notifiedAt", "plan", "policyId", "progress", "startedAt", "status", "targetFamily", "targetId", "trigger", "type", "updatedAt", "warningCount", "windowEnd", "windowStart" FROM "ExportJob";
DROP TABLE "ExportJob";
ALTER TABLE "new_ExportJob" RENAME TO "ExportJob";
CREATE UNIQUE INDEX "ExportJob_dailySlot_key" ON "ExportJob"("dailySlot");
CREATE UNIQUE INDEX "ExportJob_activeSlot_key" ON "ExportJob"("activeSlot");
CREATE INDEX "ExportJob_status_createdAt_idx" ON "ExportJob"("status", "createdAt");
CREATE INDEX "ExportJob_policyId_status_finishedAt_idx" ON "ExportJob"("policyId", "status", "finishedAt");
CREATE TABLE "new_FileInfo" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "postId" TEXT NOT NULL DEFAULT '',
    "creatorId" TEXT NOT NULL DEFAULT '',
    "channelId" TEXT NOT NULL DEFAULT '',
    "name" TEXT NOT NULL,
    "path" TEXT NOT NULL DEFAULT '',
    "size" BIGINT NOT NULL DEFAULT 0,
    "mimeType" TEXT NOT NULL DEFAULT '',
    "extension" TEXT NOT NULL DEFAULT '',
    "createAt" BIGINT NOT NULL DEFAULT 0,
    "updateAt" BIGINT NOT NULL DEFAULT 0,
    "deleteAt" BIGINT NOT NULL DEFAULT 0,
    "storeKey" TEXT NOT NULL DEFAULT '',
    "sha256" TEXT NOT NULL DEFAULT '',
    "seq" BIGINT NOT NULL DEFAULT 0
);
INSERT INTO "new_FileInfo" ("channelId", "createAt", "creatorId", "deleteAt", "extension", "id", "mimeType", "name", "path", "postId", "sha256", "size", "storeKey", "updateAt") SELECT "channelId", "createAt", "creatorId", "deleteAt", "extension", "id", "mimeType", "name", "path", "postId", "sha256", "size", "storeKey", "updateAt" FROM "FileInfo";
DROP TABLE "FileInfo";
ALTER TABLE "new_FileInfo" RENAME TO "FileInfo";
CREATE INDEX "FileInfo_postId_idx" ON "FileInfo"("postId");
CREATE TABLE "new_Post" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "channelId" TEXT NOT NULL,
    "userId" TEXT NOT NULL DEFAULT '',
    "createAt" BIGINT NOT NULL,
    "updateAt" BIGINT NOT NULL,
    "editAt" BIGINT NOT NULL DEFAULT 0,
    "deleteAt" BIGINT NOT NULL DEFAULT 0,
    "message" TEXT NOT NULL DEFAULT '',
    "type" TEXT NOT NULL DEFAULT '',
    "props" TEXT NOT NULL DEFAULT '{}',
    "rootId" TEXT NOT NULL DEFAULT '',
    "originalId" TEXT NOT NULL DEFAULT '',
    "fileIds" TEXT NOT NULL DEFAULT '[]',
    "hashtags" TEXT NOT NULL DEFAULT '',
    "seq" BIGINT NOT NULL DEFAULT 0,
    "createSeq" BIGINT NOT NULL DEFAULT 0,
    "liveSeq" BIGINT NOT NULL DEFAULT 0,
    "liveUpdateAt" BIGINT NOT NULL DEFAULT 0
);
INSERT INTO "new_Post" ("channelId", "createAt", "deleteAt", "editAt", "fileIds", "hashtags", "id", "message", "originalId", "props", "rootId", "type", "updateAt", "userId") SELECT "channelId", "createAt", "deleteAt", "editAt", "fileIds", "hashtags", "id", "message", "originalId", "props", "rootId", "type", "updateAt", "userId" FROM "Post";
DROP TABLE "Post";
ALTER TABLE "new_Post" RENAME TO "Post";
CREATE INDEX "Post_updateAt_id_idx" ON "Post"("updateAt", "id");
CREATE INDEX "Post_seq_idx" ON "Post"("seq");
CREATE INDEX "Post_channelId_updateAt_idx" ON "Post"("channelId", "updateAt");
CREATE INDEX "Post_originalId_idx" ON "Post"("originalId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

ALTER TABLE "ExportJob" ADD COLUMN "lateOldestAt" BIGINT;

-- The change feed (docs/export-engine.md, "The change feed"). Every write to Post, FileInfo and
-- ChannelMemberHistory is stamped by the triggers below with the next number of FeedSequence.
-- SQLite runs one writing transaction at a time, so the numbers follow commit order: an export
-- that reads the counter as N sees every row stamped up to N, and no row stamped up to N is still
-- to come. (A row inserted with a number already set keeps it: writers may number their own rows.)

-- Rows written before the feed existed are all "1"; the next write gets 2.
INSERT INTO "FeedSequence" ("id", "value") VALUES (1, 1);
UPDATE "Post" SET "seq" = 1, "createSeq" = 1, "liveSeq" = 1,
  "liveUpdateAt" = CASE WHEN "deleteAt" = 0 THEN "updateAt" ELSE "createAt" END;
UPDATE "FileInfo" SET "seq" = 1;
UPDATE "ChannelMemberHistory" SET "seq" = 1;
-- A policy's cursor becomes a feed position: everything stamped 1 up to its last exported post is done.
UPDATE "ExportCursor" SET "state" = json_object(
  'feedFrom', 0,
  'regions', json_array(json_object('seqTo', 1, 'keyTo', json_object('updateAt', "lastUpdateAt", 'postId', "lastPostId"))),
  'frontier', json_object('updateAt', "lastUpdateAt", 'postId', "lastPostId"));

CREATE TRIGGER "Post_feed_insert" AFTER INSERT ON "Post" WHEN NEW."seq" = 0 BEGIN
  UPDATE "FeedSequence" SET "value" = "value" + 1 WHERE "id" = 1;
  UPDATE "Post" SET
    "seq" = (SELECT "value" FROM "FeedSequence" WHERE "id" = 1),
    "createSeq" = CASE WHEN NEW."createSeq" = 0 THEN (SELECT "value" FROM "FeedSequence" WHERE "id" = 1) ELSE NEW."createSeq" END,
    "liveSeq" = CASE WHEN NEW."deleteAt" = 0 THEN (SELECT "value" FROM "FeedSequence" WHERE "id" = 1) ELSE NEW."liveSeq" END,
    "liveUpdateAt" = CASE WHEN NEW."deleteAt" = 0 THEN NEW."updateAt" ELSE NEW."liveUpdateAt" END
  WHERE "rowid" = NEW."rowid";
END;

-- An update that does not set "seq" itself is stamped (the stamping UPDATE below sets it, and a
-- trigger never fires itself again: recursive_triggers is off).
CREATE TRIGGER "Post_feed_update" AFTER UPDATE ON "Post" WHEN NEW."seq" = OLD."seq" BEGIN
  UPDATE "FeedSequence" SET "value" = "value" + 1 WHERE "id" = 1;
  UPDATE "Post" SET
    "seq" = (SELECT "value" FROM "FeedSequence" WHERE "id" = 1),
    "liveSeq" = CASE WHEN NEW."deleteAt" = 0 THEN (SELECT "value" FROM "FeedSequence" WHERE "id" = 1) ELSE OLD."liveSeq" END,
    "liveUpdateAt" = CASE WHEN NEW."deleteAt" = 0 THEN NEW."updateAt" ELSE OLD."liveUpdateAt" END
  WHERE "rowid" = NEW."rowid";
END;

-- A file info written after its post (late bytes, a late record) makes the post a new version, so
-- the next run exports the post again, with the file.
CREATE TRIGGER "FileInfo_feed_insert" AFTER INSERT ON "FileInfo" WHEN NEW."seq" = 0 BEGIN
  UPDATE "FeedSequence" SET "value" = "value" + 1 WHERE "id" = 1;
  UPDATE "FileInfo" SET "seq" = (SELECT "value" FROM "FeedSequence" WHERE "id" = 1) WHERE "rowid" = NEW."rowid";
  UPDATE "Post" SET
    "seq" = (SELECT "value" FROM "FeedSequence" WHERE "id" = 1),
    "liveSeq" = CASE WHEN "deleteAt" = 0 THEN (SELECT "value" FROM "FeedSequence" WHERE "id" = 1) ELSE "liveSeq" END,
    "liveUpdateAt" = CASE WHEN "deleteAt" = 0 THEN "updateAt" ELSE "liveUpdateAt" END
  WHERE "id" = NEW."postId";
END;

CREATE TRIGGER "FileInfo_feed_update" AFTER UPDATE ON "FileInfo" WHEN NEW."seq" = OLD."seq" BEGIN
  UPDATE "FeedSequence" SET "value" = "value" + 1 WHERE "id" = 1;
  UPDATE "FileInfo" SET "seq" = (SELECT "value" FROM "FeedSequence" WHERE "id" = 1) WHERE "rowid" = NEW."rowid";
  UPDATE "Post" SET
    "seq" = (SELECT "value" FROM "FeedSequence" WHERE "id" = 1),
    "liveSeq" = CASE WHEN "deleteAt" = 0 THEN (SELECT "value" FROM "FeedSequence" WHERE "id" = 1) ELSE "liveSeq" END,
    "liveUpdateAt" = CASE WHEN "deleteAt" = 0 THEN "updateAt" ELSE "liveUpdateAt" END
  WHERE "id" = NEW."postId";
END;

CREATE TRIGGER "ChannelMemberHistory_feed_insert" AFTER INSERT ON "ChannelMemberHistory" WHEN NEW."seq" = 0 BEGIN
  UPDATE "FeedSequence" SET "value" = "value" + 1 WHERE "id" = 1;
  UPDATE "ChannelMemberHistory" SET "seq" = (SELECT "value" FROM "FeedSequence" WHERE "id" = 1) WHERE "rowid" = NEW."rowid";
END;

CREATE TRIGGER "ChannelMemberHistory_feed_update" AFTER UPDATE ON "ChannelMemberHistory" WHEN NEW."seq" = OLD."seq" BEGIN
  UPDATE "FeedSequence" SET "value" = "value" + 1 WHERE "id" = 1;
  UPDATE "ChannelMemberHistory" SET "seq" = (SELECT "value" FROM "FeedSequence" WHERE "id" = 1) WHERE "rowid" = NEW."rowid";
END;
