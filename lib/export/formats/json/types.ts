// The JSON documents of the RingCentral-layout export (docs/formats/json.md; schema in
// docs/formats/json.schema.json). Objects are built with their keys in this order, which is the
// order they are written in.

import type { UpdatedType } from "../../prepare/types.ts";

export const JSON_FORMAT_VERSION = 1;

export type JsonBatchInfo = {
  number: number;
  start: string;
  startMs: number;
  end: string;
  endMs: number;
};

export type JsonMembershipEvent = { event: "joined" | "left"; at: string; atMs: number };

export type JsonPerson = {
  id: string;
  username: string;
  email: string;
  bot: boolean;
};

export type JsonParticipant = JsonPerson & {
  /** Joins and leaves from the channel's member history that bear on this batch; [] when unknown. */
  history: JsonMembershipEvent[];
};

export type JsonPeopleConversation = {
  id: string;
  type: "D" | "G";
  kind: "direct" | "group";
  name: string;
  displayName: string;
  /** Zip folder of its day files: `People_Chats/<name> (<id>)`. */
  folder: string;
  /** Dates (YYYY-MM-DD) that have a day file in this zip. */
  days: string[];
  participants: JsonParticipant[];
};

export type JsonTeamChannel = {
  id: string;
  type: "O" | "P" | "";
  kind: "public" | "private" | "unknown";
  name: string;
  displayName: string;
  folder: string;
  days: string[];
  members: JsonParticipant[];
};

export type JsonTeam = {
  id: string;
  name: string | null;
  displayName: string | null;
  channels: JsonTeamChannel[];
};

export type JsonUsersFile = {
  formatVersion: number;
  timeZone: string;
  batch: JsonBatchInfo;
  conversations: JsonPeopleConversation[];
};

export type JsonTeamsFile = {
  formatVersion: number;
  timeZone: string;
  batch: JsonBatchInfo;
  teams: JsonTeam[];
};

export type JsonAttachment = {
  id: string;
  name: string;
  size: number;
  mimeType: string;
  /** Where the bytes are in this zip; null when not exported, deleted, or missing. */
  zipPath: string | null;
  /** The bytes were to be exported but could not be read (a warning.txt line names the post). */
  missing: boolean;
  deleted: { at: string; atMs: number } | null;
};

export type JsonEditLogEntry = {
  /** Id of the row that kept this earlier text (Mattermost's EditedOriginalMsg row). */
  versionId: string;
  text: string;
  /** When this text was written: the previous edit, else the message's creation. */
  writtenAt: string;
  writtenAtMs: number;
  /** When an edit replaced it. */
  replacedAt: string;
  replacedAtMs: number;
};

export type JsonMessageStatus = "created" | "edited" | "updated" | "deleted" | "versionsOnly";

export type JsonMessage = {
  id: string;
  postType: string;
  status: JsonMessageStatus;
  /** Mattermost's UpdatedType of the current version's entry; null for versionsOnly. */
  updateType: Exclude<UpdatedType, "EditedOriginalMsg" | "FileDeleted"> | null;
  author: JsonPerson;
  createdAt: string;
  createdAtMs: number;
  updatedAt: string | null;
  updatedAtMs: number | null;
  editedAt: string | null;
  editedAtMs: number | null;
  /** The current text; null when deleted or when this batch holds only earlier versions. */
  text: string | null;
  replyToId: string | null;
  attachments: JsonAttachment[];
  editLog: JsonEditLogEntry[];
  deleted: { at: string; atMs: number; by: string | null } | null;
};

export type JsonConversationRef = {
  id: string;
  type: "D" | "G" | "O" | "P" | "";
  kind: "direct" | "group" | "public" | "private" | "unknown";
  name: string;
  displayName: string;
  team: { id: string; name: string | null; displayName: string | null } | null;
};

export type JsonChatDayFile = {
  formatVersion: number;
  date: string;
  timeZone: string;
  conversation: JsonConversationRef;
  messages: JsonMessage[];
};
