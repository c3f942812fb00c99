// The text/plain body of a Global Relay email. Mattermost runs the rendered page through
// jaytaylor/html2text (EXPORT-FORMATS.md §6.6). The page is always the same template, so instead
// of parsing HTML back, this walks the same data in the order an HTML parser would meet it and
// applies html2text's rules to each element: text nodes collapse [ \r\n\t]+ to one space and are
// trimmed; emitted chunks are separated by one space unless either side is whitespace; headings,
// lists, divs, <br> and paragraphs add the newlines html2text adds; the result has "\n " turned
// into "\n", runs of blank lines squeezed and is trimmed. No HTML-to-text library reproduces that
// output, which archives that read Mattermost's text part compare against.

import { isGoSpace } from "../encoding/go-csv.ts";
import type { ConversationPart } from "./conversations.ts";
import { duration, htmlTextOf, timestamp } from "./format.ts";
import { shownPostUsername, type PageData } from "./html.ts";

class Html2TextEmitter {
  private buf = "";
  private endsWithSpace = false;
  private lineLength = 0;

  /** textifyTraverseContext.emit */
  emit(data: string): void {
    if (data === "") return;
    const first = data.codePointAt(0)!;
    const last = lastCodePoint(data);
    if (!isGoSpace(first) && !this.endsWithSpace) {
      this.buf += " ";
      this.lineLength++;
    }
    this.endsWithSpace = isGoSpace(last);
    for (const ch of data) {
      this.buf += ch;
      this.lineLength = ch === "\n" ? 0 : this.lineLength + 1;
    }
  }

  /** A text node: whitespace runs collapsed, then trimmed of spaces. */
  text(value: string): void {
    this.emit(
      htmlTextOf(value)
        .replace(/[ \r\n\t]+/g, " ")
        .replace(/^ +| +$/g, ""),
    );
  }

  /** <h1>/<h2> with plain text content. */
  heading(level: 1 | 2, title: string): void {
    // The sub-context starts without a trailing space, so the title gets a leading one, which
    // the divider length (runes - 1) and the final "\n " -> "\n" replacement both account for.
    const str = " " + title;
    const divider = (level === 1 ? "*" : "-").repeat([...str].length - 1);
    this.emit("\n\n" + divider + "\n" + str + "\n" + divider + "\n\n");
  }

  /** <div>: a newline before when the line has text, and one after. */
  div(children: () => void): void {
    if (this.lineLength > 0) this.emit("\n");
    children();
    this.emit("\n");
  }

  /** <ul>, <p> and <table>: wrapped in blank lines. */
  paragraph(children: () => void): void {
    this.emit("\n\n");
    children();
    this.emit("\n\n");
  }

  /** <li>: "* " + content + "\n". */
  li(children: () => void): void {
    this.emit("* ");
    children();
    this.emit("\n");
  }

  result(): string {
    return goTrimSpace(this.buf.replaceAll("\n ", "\n").replace(/\n\n+/g, "\n\n"));
  }
}

function lastCodePoint(s: string): number {
  const last = s.charCodeAt(s.length - 1);
  if (last >= 0xdc00 && last <= 0xdfff && s.length > 1) return s.codePointAt(s.length - 2)!;
  return last;
}

function goTrimSpace(s: string): string {
  const chars = [...s];
  let start = 0;
  let end = chars.length;
  while (start < end && isGoSpace(chars[start]!.codePointAt(0)!)) start++;
  while (end > start && isGoSpace(chars[end - 1]!.codePointAt(0)!)) end--;
  return chars.slice(start, end).join("");
}

/** html2text.FromString(pageHtml(data, part)) for Mattermost's Global Relay page. */
export function pageText(data: PageData, part: ConversationPart): string {
  const t = new Html2TextEmitter();
  t.heading(1, "Mattermost Compliance Export");
  t.heading(2, "Conversation Summary");
  t.div(() =>
    t.paragraph(() => {
      const item = (label: string, value: string) =>
        t.li(() => {
          t.text(label + ":");
          t.text(value);
        });
      item("TeamId", data.teamId);
      item("TeamName", data.teamName);
      item("TeamDisplayName", data.teamDisplayName);
      item("ChannelId", data.channelId);
      item("ChannelName", data.channelName);
      item("ChannelDisplayName", data.channelDisplayName);
      item("Started", data.started);
      item("Ended", data.ended);
      item("Duration", data.duration);
    }),
  );
  t.paragraph(() => {
    for (const header of ["UserId", "Username", "UserType"]) {
      t.text(header);
      t.emit("\n"); // <br>
    }
    for (const header of ["Email", "Joined", "Left", "Duration", "Messages"]) t.text(header);
    for (const p of part.participants) {
      t.text(p.userId);
      t.text("@" + p.username);
      t.text(p.userType);
      t.text(p.email);
      t.text(timestamp(p.joinTime));
      t.text(timestamp(p.leaveTime));
      t.text(duration(p.leaveTime - p.joinTime));
      t.text(String(p.messagesSent));
    }
  });
  t.heading(2, "Messages");
  t.div(() =>
    t.paragraph(() => {
      for (const m of part.messages) {
        t.li(() => {
          t.text(m.postId);
          t.text(timestamp(m.sentTime));
          t.text("@" + m.senderUsername);
          t.text(m.senderId);
          t.text(shownPostUsername(m));
          t.text(m.senderUserType);
          t.text("(" + m.senderEmail + ")");
          t.text(m.message);
          if (m.previewsPost !== "") t.text(m.previewsPost);
          if (m.updateType !== "") {
            t.text(m.updateType);
            t.text(timestamp(m.updateAt));
            t.text(m.editedNewMsgId);
          }
        });
      }
    }),
  );
  t.paragraph(() => t.text("Exported on " + data.exportDate));
  return t.result();
}
