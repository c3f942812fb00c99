// Calendar days in an IANA time zone, for the one-file-per-day layout.

/** The canonical name of an IANA time zone; throws a RangeError naming it when it is unknown. */
export function resolveTimeZone(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone }).resolvedOptions().timeZone;
  } catch {
    throw new RangeError(
      `Unknown time zone ${JSON.stringify(timeZone)}: use an IANA name such as "UTC" or "Europe/Paris".`,
    );
  }
}

/** Returns ms → `YYYY-MM-DD`, the local date of that instant in the zone. */
export function localDateFormatter(timeZone: string): (ms: number) => string {
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  });
  return (ms) => {
    const parts = format.formatToParts(new Date(ms));
    const get = (type: Intl.DateTimeFormatPartTypes) =>
      parts.find((p) => p.type === type)?.value ?? "";
    return `${get("year").padStart(4, "0")}-${get("month")}-${get("day")}`;
  };
}

/** ISO 8601 in UTC with milliseconds: `2024-03-01T23:30:00.000Z`. */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString();
}
