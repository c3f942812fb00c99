// An in-memory ZipSink for tests: keeps every entry (duplicates too) in the order added.

import type { MailboxEmail } from "../../../targets/target.ts";
import type { ZipSink } from "../../model.ts";

export type MemoryEntry = { name: string; data: Buffer };

export class MemoryZipSink implements ZipSink {
  readonly entries: MemoryEntry[] = [];

  async addText(name: string, text: string): Promise<void> {
    this.entries.push({ name, data: Buffer.from(text, "utf8") });
  }

  /** Collects the stream; on a source error keeps the partial entry (like Go's zip) and rejects. */
  addStream(name: string, source: NodeJS.ReadableStream): Promise<void> {
    const entry: MemoryEntry = { name, data: Buffer.alloc(0) };
    this.entries.push(entry);
    const chunks: Buffer[] = [];
    return new Promise<void>((resolve, reject) => {
      source.on("data", (chunk: Buffer | string) => {
        chunks.push(typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk);
      });
      source.on("end", () => {
        entry.data = Buffer.concat(chunks);
        resolve();
      });
      source.on("error", (err) => {
        entry.data = Buffer.concat(chunks);
        reject(err);
      });
    });
  }

  addEmail(name: string, email: MailboxEmail): Promise<void> {
    return this.addStream(name, email.stream());
  }

  names(): string[] {
    return this.entries.map((e) => e.name);
  }

  /** The text of the first entry with that name; throws when there is none. */
  text(name: string): string {
    const entry = this.entries.find((e) => e.name === name);
    if (entry === undefined)
      throw new Error(`no zip entry ${JSON.stringify(name)}; have ${JSON.stringify(this.names())}`);
    return entry.data.toString("utf8");
  }

  has(name: string): boolean {
    return this.entries.some((e) => e.name === name);
  }
}
