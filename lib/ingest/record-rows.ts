import type {
  ChannelMemberHistoryRecord,
  ChannelRecord,
  FileInfoRecord,
  PostRecord,
  TeamRecord,
  UserRecord,
} from "./schema.ts";

// Parsed records → table rows (camelCase columns, epoch-ms numbers, JSON text columns).

export function teamRow(t: TeamRecord) {
  return {
    id: t.id,
    name: t.name,
    displayName: t.display_name,
    type: t.type,
    createAt: t.create_at,
    updateAt: t.update_at,
    deleteAt: t.delete_at,
  };
}

export function channelRow(c: ChannelRecord) {
  return {
    id: c.id,
    teamId: c.team_id,
    type: c.type,
    name: c.name,
    displayName: c.display_name,
    createAt: c.create_at,
    updateAt: c.update_at,
    deleteAt: c.delete_at,
  };
}

export function userRow(u: UserRecord) {
  return {
    id: u.id,
    username: u.username,
    email: u.email,
    firstName: u.first_name,
    lastName: u.last_name,
    nickname: u.nickname,
    isBot: u.is_bot,
    createAt: u.create_at,
    updateAt: u.update_at,
    deleteAt: u.delete_at,
  };
}

export function memberHistoryRow(h: ChannelMemberHistoryRecord) {
  return {
    channelId: h.channel_id,
    userId: h.user_id,
    joinTime: h.join_time,
    leaveTime: h.leave_time,
  };
}

export function postRow(p: PostRecord) {
  return {
    id: p.id,
    channelId: p.channel_id,
    userId: p.user_id,
    createAt: p.create_at,
    updateAt: p.update_at,
    editAt: p.edit_at,
    deleteAt: p.delete_at,
    message: p.message,
    type: p.type,
    props: JSON.stringify(p.props),
    rootId: p.root_id,
    originalId: p.original_id,
    fileIds: JSON.stringify(p.file_ids),
    hashtags: p.hashtags,
  };
}

export function fileInfoRow(f: FileInfoRecord, stored: { storeKey: string; sha256: string }) {
  return {
    id: f.id,
    postId: f.post_id,
    creatorId: f.creator_id,
    channelId: f.channel_id,
    name: f.name,
    path: f.path,
    size: f.size,
    mimeType: f.mime_type,
    extension: f.extension,
    createAt: f.create_at,
    updateAt: f.update_at,
    deleteAt: f.delete_at,
    storeKey: stored.storeKey,
    sha256: stored.sha256,
  };
}
