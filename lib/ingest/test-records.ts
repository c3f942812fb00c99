// Small, valid records for the ingest tests (Mattermost REST JSON shapes).

export const T0 = 1_735_689_600_000; // 2025-01-01T00:00:00Z

export const team = { type: "team", team: { id: "team1", name: "acme", display_name: "Acme" } };

export const channel = {
  type: "channel",
  channel: {
    id: "chan1",
    team_id: "team1",
    type: "O",
    name: "town-square",
    display_name: "Town Square",
    create_at: T0,
    delete_at: 0,
  },
};

export const user = {
  type: "user",
  user: {
    id: "user1",
    username: "alice",
    email: "alice@example.com",
    is_bot: false,
    create_at: T0,
    delete_at: 0,
  },
};

export function post(id: string, extra: Record<string, unknown> = {}) {
  return {
    type: "post",
    post: {
      id,
      channel_id: "chan1",
      user_id: "user1",
      create_at: T0 + 1000,
      update_at: T0 + 1000,
      edit_at: 0,
      delete_at: 0,
      message: `message ${id}`,
      type: "",
      props: {},
      root_id: "",
      original_id: "",
      file_ids: [],
      ...extra,
    },
  };
}

export const history = {
  type: "channel_member_history",
  channel_member_history: { channel_id: "chan1", user_id: "user1", join_time: T0 },
};

export function fileInfo(id: string, extra: Record<string, unknown> = {}) {
  return {
    type: "file_info",
    file_info: {
      id,
      post_id: "post1",
      name: "report.pdf",
      path: "",
      size: 3,
      mime_type: "application/pdf",
      create_at: T0 + 1000,
      delete_at: 0,
      ...extra,
    },
  };
}

/** One of each record type, in an order that applies. */
export function everyRecordType() {
  return [
    team,
    channel,
    user,
    history,
    post("post1", { file_ids: ["file1"] }),
    fileInfo("file1"),
    { type: "post_created", post_created: { post: post("post2").post } },
    {
      type: "post_edited",
      post_edited: { post_id: "post2", message: "edited text", edit_at: T0 + 5000 },
    },
    {
      type: "post_deleted",
      post_deleted: { post_id: "post1", delete_at: T0 + 6000, deleted_by: "user1" },
    },
    {
      type: "member_joined",
      member_joined: { channel_id: "chan1", user_id: "user2", time: T0 + 7000 },
    },
    {
      type: "member_left",
      member_left: { channel_id: "chan1", user_id: "user2", time: T0 + 8000 },
    },
  ];
}
