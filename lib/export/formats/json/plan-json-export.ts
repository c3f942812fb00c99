// Everything one JSON batch zip holds, as plain objects, before any byte is written: the two index
// files, the day files (each conversation's messages grouped by local date), and the attachments
// to copy.

import type { BatchInput } from "../../model.ts";
import { compareByteOrder } from "../../prepare/byte-order.ts";
import { channelTypeName, prepareBatch } from "../../prepare/prepare-batch.ts";
import type { PreparedChannel } from "../../prepare/types.ts";
import { messagesOf, type AttachmentPlanner, type PlannedCopy } from "./build-messages.ts";
import { authorsOf, participantsOf, peopleChatName } from "./participants.ts";
import { cleanName, namedSegment, UniqueNames } from "./safe-names.ts";
import {
  JSON_FORMAT_VERSION,
  type JsonBatchInfo,
  type JsonChatDayFile,
  type JsonConversationRef,
  type JsonMessage,
  type JsonPeopleConversation,
  type JsonTeam,
  type JsonTeamChannel,
  type JsonTeamsFile,
  type JsonUsersFile,
} from "./types.ts";
import { isoUtc, localDateFormatter } from "./zoned-date.ts";

export const USERS_PATH = "People_And_Groups/users.json";
export const TEAMS_PATH = "Teams/teams.json";

export type JsonExportPlan = {
  users: JsonUsersFile;
  teams: JsonTeamsFile;
  /** People_Chats day files, then Team_Chats ones; each by conversation id, then date. */
  days: Array<{ path: string; file: JsonChatDayFile }>;
  /** Attachments in the order of the messages that list them. */
  copies: PlannedCopy[];
  /** Post entries of the batch (the counter every format reports). */
  messagesCount: number;
};

type TeamNames = { name: string | null; displayName: string | null };

/** A team's names from the first of its channels (in id order) whose posts carry them. */
function teamNamesOf(channels: readonly PreparedChannel[]): Map<string, TeamNames> {
  const teams = new Map<string, TeamNames>();
  for (const c of channels) {
    if (teams.has(c.channel.teamId)) continue;
    if (c.teamName !== "" || c.teamDisplayName !== "") {
      teams.set(c.channel.teamId, { name: c.teamName, displayName: c.teamDisplayName });
    }
  }
  return teams;
}

function byDate(
  messages: readonly JsonMessage[],
  dateOf: (ms: number) => string,
): Map<string, JsonMessage[]> {
  const days = new Map<string, JsonMessage[]>();
  for (const m of messages) {
    const date = dateOf(m.createdAtMs);
    const list = days.get(date);
    if (list === undefined) days.set(date, [m]);
    else list.push(m);
  }
  return new Map([...days].sort(([a], [b]) => compareByteOrder(a, b)));
}

function teamChatName(team: TeamNames | undefined, c: PreparedChannel): string {
  const teamPart = cleanName(team?.displayName ?? "", 60) || cleanName(team?.name ?? "", 60);
  const channelPart = cleanName(c.channel.displayName, 100) || cleanName(c.channel.name, 100);
  return [teamPart, channelPart].filter((s) => s !== "").join(" - ");
}

export function planJsonExport(options: { batch: BatchInput; timeZone: string }): JsonExportPlan {
  const { batch, timeZone } = options;
  const prepared = prepareBatch(batch);
  const dateOf = localDateFormatter(timeZone);
  const names = new UniqueNames();
  const planner: AttachmentPlanner = {
    exportAttachments: batch.exportAttachments,
    names,
    copies: new Map(),
  };
  const teamNames = teamNamesOf(prepared.channels);

  const conversations: JsonPeopleConversation[] = [];
  const teams = new Map<string, JsonTeam>();
  const peopleDays: JsonExportPlan["days"] = [];
  const teamDays: JsonExportPlan["days"] = [];

  for (const c of prepared.channels) {
    const ch = c.channel;
    const people = ch.type === "D" || ch.type === "G";
    const authors = authorsOf(c.entries);
    const participants = participantsOf(batch, ch.id, authors);
    const team = people ? undefined : teamNames.get(ch.teamId);
    const folder = people
      ? names.take(`People_Chats/${namedSegment(peopleChatName(batch, ch.id, authors), ch.id)}`)
      : names.take(`Team_Chats/${namedSegment(teamChatName(team, c), ch.id, 170)}`);
    const ref: JsonConversationRef = {
      id: ch.id,
      type: ch.type,
      kind: (channelTypeName(ch.type) || "unknown") as JsonConversationRef["kind"],
      name: ch.name,
      displayName: ch.displayName,
      team: people
        ? null
        : { id: ch.teamId, name: team?.name ?? null, displayName: team?.displayName ?? null },
    };
    const days = byDate(messagesOf(c.entries, planner), dateOf);
    for (const [date, messages] of days) {
      const file: JsonChatDayFile = {
        formatVersion: JSON_FORMAT_VERSION,
        date,
        timeZone,
        conversation: ref,
        messages,
      };
      (people ? peopleDays : teamDays).push({ path: `${folder}/${date}.json`, file });
    }

    if (people) {
      conversations.push({
        id: ch.id,
        type: ch.type as "D" | "G",
        kind: ch.type === "D" ? "direct" : "group",
        name: ch.name,
        displayName: ch.displayName,
        folder,
        days: [...days.keys()],
        participants,
      });
    } else {
      let t = teams.get(ch.teamId);
      if (t === undefined) {
        t = {
          id: ch.teamId,
          name: team?.name ?? null,
          displayName: team?.displayName ?? null,
          channels: [],
        };
        teams.set(ch.teamId, t);
      }
      const channel: JsonTeamChannel = {
        id: ch.id,
        type: ch.type as JsonTeamChannel["type"],
        kind: ref.kind as JsonTeamChannel["kind"],
        name: ch.name,
        displayName: ch.displayName,
        folder,
        days: [...days.keys()],
        members: participants,
      };
      t.channels.push(channel);
    }
  }

  const batchInfo: JsonBatchInfo = {
    number: batch.batchNumber,
    start: isoUtc(batch.batchStart),
    startMs: batch.batchStart,
    end: isoUtc(batch.batchEnd),
    endMs: batch.batchEnd,
  };
  const head = { formatVersion: JSON_FORMAT_VERSION, timeZone, batch: batchInfo };
  return {
    users: { ...head, conversations },
    teams: { ...head, teams: [...teams.values()].sort((a, b) => compareByteOrder(a.id, b.id)) },
    days: [...peopleDays, ...teamDays],
    copies: [...planner.copies.values()],
    messagesCount: prepared.messagesCount,
  };
}
