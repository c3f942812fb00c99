// The HTML body of a Global Relay email: Mattermost's three templates
// (server/templates/globalrelay_compliance_export*.html) rendered by html/template, byte for byte
// (EXPORT-FORMATS.md §6.5).

import type { ConversationMessage, ConversationPart, Participant } from "./conversations.ts";
import { duration, escapeHtml as e, timestamp } from "./format.ts";

/** The values the page shows, before escaping. */
export type PageData = {
  teamId: string;
  teamName: string;
  teamDisplayName: string;
  channelId: string;
  channelName: string;
  channelDisplayName: string;
  started: string;
  ended: string;
  duration: string;
  exportDate: string;
};

export function pageDataOf(part: ConversationPart, exportedOn: number): PageData {
  const c = part.channel;
  return {
    teamId: c.channel.teamId,
    teamName: c.teamName,
    teamDisplayName: c.teamDisplayName,
    channelId: c.channel.id,
    channelName: c.channel.name,
    channelDisplayName: c.channel.displayName,
    started: timestamp(c.startTime),
    ended: timestamp(c.endTime),
    duration: duration(c.endTime - c.startTime),
    exportDate: timestamp(exportedOn),
  };
}

const STYLE = `<style type="text/css">
    body {
        font-family:Arial, sans-serif;
        font-size:14px;
        font-weight:normal;
    }

    .summary-list ul {
        padding: 0px;
        list-style:none;
    }
    .summary-list li {
        display: inline;
        padding: 0 1em 0 0;
    }
    .summary-list .bold {
        font-weight: bold;
    }

    .participants {
        border-collapse:collapse;
        border-spacing:0;
    }
    .participants td {
        padding:10px 5px;
        border:1px solid black;
        overflow:hidden;
        text-align: center;
        word-break:normal;
    }
    .participants th {
        padding:10px 5px;
        border:1px solid black;
        overflow:hidden;
        word-break:normal;
    }
    .participants th,td {
        vertical-align:top
    }

    .message-list ul {
        list-style:none;
        padding: 0;
    }
    .message-list li {
        padding: 0 0 1em 0;
    }
    .message .sent_time {
        font-weight:bold;
    }
    .message .username {
        font-weight:bold;
    }
    .message .email {
        font-weight: bold;
    }
</style>
`;

/** globalrelay_compliance_export_participant_row */
export function participantHtml(p: Participant): string {
  return (
    "\n<tr>\n" +
    `    <td class="userid">${e(p.userId)}</td>\n` +
    `    <td class="username">@${e(p.username)}</td>\n` +
    `    <td class="usertype">${e(p.userType)}</td>\n` +
    `    <td class="email">${e(p.email)}</td>\n` +
    `    <td class="joined">${timestamp(p.joinTime)}</td>\n` +
    `    <td class="left">${timestamp(p.leaveTime)}</td>\n` +
    `    <td class="duration">${duration(p.leaveTime - p.joinTime)}</td>\n` +
    `    <td class="messages">${p.messagesSent}</td>\n` +
    "</tr>\n"
  );
}

/** What the postusername span shows: "@" + the name, or nothing when the name is empty. */
export function shownPostUsername(m: ConversationMessage): string {
  return m.postUsername === "" ? "" : "@" + m.postUsername;
}

/** globalrelay_compliance_export_message */
export function messageHtml(m: ConversationMessage): string {
  let out =
    '\n<li class="message">\n' +
    `    <span class="post_id">${e(m.postId)}</span>\n` +
    `    <span class="sent_time">${timestamp(m.sentTime)}</span>\n` +
    `    <span class="username">@${e(m.senderUsername)}</span>\n` +
    `    <span class="userid">${e(m.senderId)}</span>\n` +
    `    <span class="postusername">${e(shownPostUsername(m))}</span>\n` +
    `    <span class="usertype">${e(m.senderUserType)}</span>\n` +
    `    <span class="email">(${e(m.senderEmail)})</span>\n` +
    `    <span class="message">${e(m.message)}</span>`;
  if (m.previewsPost !== "") out += `\n    <span class="previews_post">${e(m.previewsPost)}</span>`;
  if (m.updateType !== "") {
    out +=
      `\n    <span class="update_type">${e(m.updateType)}</span>` +
      `\n    <span class="update_time">${timestamp(m.updateAt)}</span>` +
      `\n    <span class="edited_new_msg_id">${e(m.editedNewMsgId)}</span>`;
  }
  return out + "\n</li>\n";
}

/** globalrelay_compliance_export: the page html2text reads (without the html/body wrapper). */
export function pageHtml(data: PageData, part: ConversationPart): string {
  const item = (label: string, value: string) =>
    `        <li><span class="bold">${label}:</span>${e(value)}</li>\n`;
  return (
    "\n" +
    STYLE +
    "\n" +
    "<h1>Mattermost Compliance Export</h1>\n" +
    "\n" +
    "<h2>Conversation Summary</h2>\n" +
    '<div class="summary-list">\n' +
    "    <ul>\n" +
    item("TeamId", data.teamId) +
    item("TeamName", data.teamName) +
    item("TeamDisplayName", data.teamDisplayName) +
    item("ChannelId", data.channelId) +
    item("ChannelName", data.channelName) +
    item("ChannelDisplayName", data.channelDisplayName) +
    item("Started", data.started) +
    item("Ended", data.ended) +
    item("Duration", data.duration) +
    "    </ul>\n" +
    "</div>\n" +
    '<table class="participants">\n' +
    "    <tr>\n" +
    '        <th class="userid">UserId<br></th>\n' +
    '        <th class="username">Username<br></th>\n' +
    '        <th class="usertype">UserType<br></th>\n' +
    '        <th class="email">Email</th>\n' +
    '        <th class="joined">Joined</th>\n' +
    '        <th class="left">Left</th>\n' +
    '        <th class="duration">Duration</th>\n' +
    '        <th class="messages">Messages</th>\n' +
    "    </tr>\n" +
    "    " +
    part.participants.map(participantHtml).join("") +
    "\n" +
    "</table>\n" +
    "\n" +
    "<h2>Messages</h2>\n" +
    '<div class="message-list">\n' +
    "    <ul>\n" +
    "        " +
    part.messages.map(messageHtml).join("") +
    "\n" +
    "    </ul>\n" +
    "</div>\n" +
    "\n" +
    `<p>Exported on ${e(data.exportDate)}</p>\n`
  );
}

/** The text/html part's content: "\r\n<html><body>" + page + "</body></html>". */
export function htmlBody(page: string): string {
  return "\r\n<html><body>" + page + "</body></html>";
}
