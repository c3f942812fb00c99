import { UserError, fieldErrorsOf } from "@/lib/errors/user-error.ts";
import { loadExportSettings, toSettingsView } from "@/lib/export-settings/export-settings-store.ts";
import { EXPORT_SETTINGS_AUDIT_FIELDS, ZExportSettingsInput } from "@/lib/settings/schema.ts";
import { applySettingsPatch } from "@/lib/settings/settings-patch.ts";
import { updateExportSettings } from "@/lib/export-settings/update-export-settings.ts";
import { announceDestinationChange } from "@/lib/notifications/announce-destination-change.ts";
import { parseJsonBody, sessionRoute } from "@/app/_server/route.ts";
import { z } from "zod";

export const dynamic = "force-dynamic";
const API_PATH = "/api/v1/config/export";

/** The Compliance Export settings (the SMTP password never leaves the server). */
export const GET = sessionRoute(
  { right: "configure", audit: { event: "getConfig", objectType: "config", apiPath: API_PATH } },
  async () => ({
    response: Response.json(
      { MessageExportSettings: toSettingsView(await loadExportSettings()) },
      { headers: { "Cache-Control": "no-store" } },
    ),
  }),
);

/** Partial update with the form's rules; omitted keys (and the password) keep their values. */
export const PATCH = sessionRoute(
  {
    right: "configure",
    audit: {
      event: "patchConfig",
      objectType: "config",
      apiPath: API_PATH,
      auditable: EXPORT_SETTINGS_AUDIT_FIELDS,
      auditAs: "MessageExportSettings",
    },
  },
  async ({ request, session }) => {
    const patch = await parseJsonBody(request, z.record(z.string(), z.unknown()));
    const parsed = ZExportSettingsInput.safeParse(
      applySettingsPatch(await loadExportSettings(), patch),
    );
    if (!parsed.success)
      throw new UserError("Some values are not valid.", 400, fieldErrorsOf(parsed.error.issues));
    const { view, audit, destination, passwordCleared } = await updateExportSettings({
      input: parsed.data,
    });
    const notice = destination.length
      ? await announceDestinationChange({
          what: "Compliance Export",
          diffs: destination,
          changedBy: session.user.email,
        })
      : undefined;
    return {
      response: Response.json(
        { MessageExportSettings: view, passwordCleared },
        { headers: { "Cache-Control": "no-store" } },
      ),
      audit: {
        ...audit,
        input: patch,
        resultingState: {
          password_cleared: passwordCleared,
          ...(notice ? { change_notice: notice } : {}),
        },
      },
    };
  },
);
