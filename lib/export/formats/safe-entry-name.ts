// Zip entry names built from chat data (channel names, ids) for the formats whose names are not
// bound to Mattermost byte-parity. The CSV and Actiance zips keep Mattermost's attachment paths
// verbatim because posts.csv and actiance_export.xml refer to them (EXPORT-FORMATS.md §2.3); the
// JSON format cleans its own names more thoroughly (json/safe-names.ts).

/** C0 controls (NUL included) and DEL. */
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;
/** Path separators and the characters Windows refuses in file names. */
export const WINDOWS_RESERVED = /[/\\:*?"<>|]/g;

/** One path segment that every unzip tool on Windows, macOS and Linux extracts as a plain name. */
export function safeEntrySegment(text: string): string {
  return text.replace(CONTROL_CHARACTERS, "_").replace(WINDOWS_RESERVED, "_");
}
