-- CreateTable
CREATE TABLE "Installation" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT DEFAULT 1,
    "clusterId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "AdminUser" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "ownerSlot" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "disabledAt" DATETIME
);

-- CreateTable
CREATE TABLE "AdminRight" (
    "userId" TEXT NOT NULL,
    "right" TEXT NOT NULL,
    "grantedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "grantedBy" TEXT,

    PRIMARY KEY ("userId", "right"),
    CONSTRAINT "AdminRight_userId_fkey" FOREIGN KEY ("userId") REFERENCES "AdminUser" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "revokedAt" DATETIME,
    "ipAddress" TEXT NOT NULL DEFAULT '',
    "userAgent" TEXT NOT NULL DEFAULT '',
    CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "AdminUser" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "LoginThrottle" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "lastFailureMs" BIGINT NOT NULL,
    "lockedUntilMs" BIGINT NOT NULL DEFAULT 0,
    "allowance" INTEGER NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "AuditRecord" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "timestamp" DATETIME NOT NULL,
    "eventName" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "actorUserId" TEXT NOT NULL DEFAULT '',
    "objectType" TEXT NOT NULL DEFAULT '',
    "json" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "IngestToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL DEFAULT '',
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME
);

-- CreateTable
CREATE TABLE "WorkerHeartbeat" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "host" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "beatAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ChatTeam" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "displayName" TEXT NOT NULL DEFAULT '',
    "type" TEXT NOT NULL DEFAULT 'O',
    "createAt" BIGINT NOT NULL DEFAULT 0,
    "updateAt" BIGINT NOT NULL DEFAULT 0,
    "deleteAt" BIGINT NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "ChatChannel" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "teamId" TEXT NOT NULL DEFAULT '',
    "type" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "displayName" TEXT NOT NULL DEFAULT '',
    "createAt" BIGINT NOT NULL DEFAULT 0,
    "updateAt" BIGINT NOT NULL DEFAULT 0,
    "deleteAt" BIGINT NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "ChatUser" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "username" TEXT NOT NULL,
    "email" TEXT NOT NULL DEFAULT '',
    "firstName" TEXT NOT NULL DEFAULT '',
    "lastName" TEXT NOT NULL DEFAULT '',
    "nickname" TEXT NOT NULL DEFAULT '',
    "isBot" BOOLEAN NOT NULL DEFAULT false,
    "createAt" BIGINT NOT NULL DEFAULT 0,
    "updateAt" BIGINT NOT NULL DEFAULT 0,
    "deleteAt" BIGINT NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "ChannelMemberHistory" (
    "channelId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "joinTime" BIGINT NOT NULL,
    "leaveTime" BIGINT,

    PRIMARY KEY ("channelId", "userId", "joinTime")
);

-- CreateTable
CREATE TABLE "Post" (
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
    "hashtags" TEXT NOT NULL DEFAULT ''
);

-- CreateTable
CREATE TABLE "FileInfo" (
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
    "sha256" TEXT NOT NULL DEFAULT ''
);

-- CreateTable
CREATE TABLE "ExportJob" (
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
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ExportBatch" (
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("jobId", "number"),
    CONSTRAINT "ExportBatch_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "ExportJob" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ExportCursor" (
    "policyId" TEXT NOT NULL PRIMARY KEY,
    "lastUpdateAt" BIGINT NOT NULL,
    "lastPostId" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "AdminUser_email_key" ON "AdminUser"("email");

-- CreateIndex
CREATE UNIQUE INDEX "AdminUser_ownerSlot_key" ON "AdminUser"("ownerSlot");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE INDEX "AuditRecord_timestamp_idx" ON "AuditRecord"("timestamp");

-- CreateIndex
CREATE INDEX "AuditRecord_eventName_timestamp_idx" ON "AuditRecord"("eventName", "timestamp");

-- CreateIndex
CREATE INDEX "AuditRecord_actorUserId_timestamp_idx" ON "AuditRecord"("actorUserId", "timestamp");

-- CreateIndex
CREATE UNIQUE INDEX "IngestToken_tokenHash_key" ON "IngestToken"("tokenHash");

-- CreateIndex
CREATE INDEX "ChatChannel_teamId_idx" ON "ChatChannel"("teamId");

-- CreateIndex
CREATE INDEX "ChatUser_username_idx" ON "ChatUser"("username");

-- CreateIndex
CREATE INDEX "ChatUser_email_idx" ON "ChatUser"("email");

-- CreateIndex
CREATE INDEX "ChannelMemberHistory_channelId_joinTime_idx" ON "ChannelMemberHistory"("channelId", "joinTime");

-- CreateIndex
CREATE INDEX "ChannelMemberHistory_userId_idx" ON "ChannelMemberHistory"("userId");

-- CreateIndex
CREATE INDEX "Post_updateAt_id_idx" ON "Post"("updateAt", "id");

-- CreateIndex
CREATE INDEX "Post_channelId_updateAt_idx" ON "Post"("channelId", "updateAt");

-- CreateIndex
CREATE INDEX "Post_originalId_idx" ON "Post"("originalId");

-- CreateIndex
CREATE INDEX "FileInfo_postId_idx" ON "FileInfo"("postId");

-- CreateIndex
CREATE UNIQUE INDEX "ExportJob_dailySlot_key" ON "ExportJob"("dailySlot");

-- CreateIndex
CREATE UNIQUE INDEX "ExportJob_activeSlot_key" ON "ExportJob"("activeSlot");

-- CreateIndex
CREATE INDEX "ExportJob_status_createdAt_idx" ON "ExportJob"("status", "createdAt");

-- CreateIndex
CREATE INDEX "ExportJob_policyId_status_finishedAt_idx" ON "ExportJob"("policyId", "status", "finishedAt");
