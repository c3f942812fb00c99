import { UserError } from "../errors/user-error.ts";
import type { ExportSettings, TExportSettingsInput } from "./schema.ts";

/**
 * The full form input that results from applying a partial document (API PATCH, CLI `config set`)
 * to the current settings. The stored password is not carried over: leaving SMTPPassword out
 * keeps it.
 */
export function applySettingsPatch(current: ExportSettings, patch: unknown): TExportSettingsInput {
  if (!patch || typeof patch !== "object" || Array.isArray(patch))
    throw new UserError("Send a JSON object of settings.", 400);
  const { SMTPPassword: _stored, ...gr } = current.GlobalRelaySettings;
  const base: Record<string, unknown> = {
    EnableExport: current.EnableExport,
    DailyRunTime: current.DailyRunTime,
    TimeZone: current.TimeZone,
    ExportFormat: current.ExportFormat,
    BatchSize: current.BatchSize,
    ExportAttachments: current.ExportAttachments,
    Destination: current.Destination,
    GlobalRelaySettings: gr,
  };
  const p = patch as Record<string, unknown>;
  const unknownKeys = Object.keys(p).filter((k) => !(k in base));
  const grPatch = p.GlobalRelaySettings;
  if (
    grPatch !== undefined &&
    (!grPatch || typeof grPatch !== "object" || Array.isArray(grPatch))
  ) {
    throw new UserError("GlobalRelaySettings must be an object.", 400, {
      GlobalRelaySettings: "Must be an object.",
    });
  }
  const grKeys = new Set([...Object.keys(gr), "SMTPPassword"]);
  const unknownGr = Object.keys((grPatch as Record<string, unknown>) ?? {}).filter(
    (k) => !grKeys.has(k),
  );
  const unknown = [...unknownKeys, ...unknownGr.map((k) => `GlobalRelaySettings.${k}`)];
  if (unknown.length) {
    throw new UserError(
      `Unknown setting${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}.`,
      400,
      Object.fromEntries(unknown.map((k) => [k, "Unknown setting."])),
    );
  }
  return {
    ...base,
    ...p,
    GlobalRelaySettings: { ...gr, ...((grPatch as Record<string, unknown>) ?? {}) },
  } as TExportSettingsInput;
}
