-- AlterTable
ALTER TABLE "ChannelMemberHistory" ADD COLUMN     "seq" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "ExportBatch" ADD COLUMN     "feedTo" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "late" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "readSeq" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "ExportCursor" ADD COLUMN     "state" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "ExportJob" ADD COLUMN     "lateArrivals" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "FileInfo" ADD COLUMN     "seq" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Post" ADD COLUMN     "createSeq" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "liveSeq" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "liveUpdateAt" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "seq" BIGINT NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "FeedSequence" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "value" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "FeedSequence_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Post_seq_idx" ON "Post"("seq");

ALTER TABLE "ExportJob" ADD COLUMN "lateOldestAt" BIGINT;

-- The change feed (docs/export-engine.md, "The change feed"). Every write to Post, FileInfo and
-- ChannelMemberHistory is stamped by the triggers below with its transaction's number from
-- FeedSequence. The first stamp of a transaction increments the counter row and keeps its lock
-- until the transaction ends, so writers commit in the order of their numbers: an export that reads
-- the counter as N sees every row stamped up to N, and no row stamped up to N is still to come.

-- Rows written before the feed existed are all "1"; the next writer gets 2.
INSERT INTO "FeedSequence" ("id", "value") VALUES (1, 1);
UPDATE "Post" SET "seq" = 1, "createSeq" = 1, "liveSeq" = 1,
  "liveUpdateAt" = CASE WHEN "deleteAt" = 0 THEN "updateAt" ELSE "createAt" END;
UPDATE "FileInfo" SET "seq" = 1;
UPDATE "ChannelMemberHistory" SET "seq" = 1;
-- A policy's cursor becomes a feed position: everything stamped 1 up to its last exported post is done.
UPDATE "ExportCursor" SET "state" = jsonb_build_object(
  'feedFrom', 0,
  'regions', jsonb_build_array(jsonb_build_object('seqTo', 1, 'keyTo', jsonb_build_object('updateAt', "lastUpdateAt", 'postId', "lastPostId"))),
  'frontier', jsonb_build_object('updateAt', "lastUpdateAt", 'postId', "lastPostId"))::text;

CREATE FUNCTION custodian_feed_stamp() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  cached text := current_setting('custodian.feed_stamp', true);
  stamp bigint;
BEGIN
  IF cached IS NOT NULL AND cached <> '' THEN
    RETURN cached::bigint;
  END IF;
  UPDATE "FeedSequence" SET "value" = "value" + 1 WHERE "id" = 1 RETURNING "value" INTO stamp;
  PERFORM set_config('custodian.feed_stamp', stamp::text, true);
  RETURN stamp;
END $$;

CREATE FUNCTION custodian_post_feed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  stamp bigint := custodian_feed_stamp();
BEGIN
  NEW."seq" := stamp;
  IF TG_OP = 'INSERT' AND NEW."createSeq" = 0 THEN
    NEW."createSeq" := stamp;
  END IF;
  IF NEW."deleteAt" = 0 THEN
    NEW."liveSeq" := stamp;
    NEW."liveUpdateAt" := NEW."updateAt";
  ELSIF TG_OP = 'UPDATE' THEN
    NEW."liveSeq" := OLD."liveSeq";
    NEW."liveUpdateAt" := OLD."liveUpdateAt";
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "Post_feed" BEFORE INSERT OR UPDATE ON "Post" FOR EACH ROW EXECUTE FUNCTION custodian_post_feed();

CREATE FUNCTION custodian_row_feed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."seq" := custodian_feed_stamp();
  RETURN NEW;
END $$;
CREATE TRIGGER "FileInfo_feed" BEFORE INSERT OR UPDATE ON "FileInfo" FOR EACH ROW EXECUTE FUNCTION custodian_row_feed();
CREATE TRIGGER "ChannelMemberHistory_feed" BEFORE INSERT OR UPDATE ON "ChannelMemberHistory" FOR EACH ROW EXECUTE FUNCTION custodian_row_feed();

-- A file info written after its post (late bytes, a late record) makes the post a new version, so
-- the next run exports the post again, with the file.
CREATE FUNCTION custodian_file_touches_post() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Post" SET "seq" = NEW."seq" WHERE "id" = NEW."postId" AND "seq" <> NEW."seq";
  RETURN NULL;
END $$;
CREATE TRIGGER "FileInfo_touches_post" AFTER INSERT OR UPDATE ON "FileInfo" FOR EACH ROW EXECUTE FUNCTION custodian_file_touches_post();
