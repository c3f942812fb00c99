import { UserError, fieldErrorsOf } from "@/lib/errors/user-error.ts";
import { loadExportSettings, toSettingsView } from "@/lib/settings/export-settings-store.ts";
import { ZExportSettingsInput } from "@/lib/settings/schema.ts";
import { applySettingsPatch } from "@/lib/settings/settings-patch.ts";
import { updateExportSettings } from "@/lib/settings/update-export-settings.ts";
import { parseJsonBody, sessionRoute } from "@/app/_server/route.ts";
import { z } from "zod";

export const dynamic = "force-dynamic";
const API_PATH = "/api/v1/config/export";

/** The Compliance Export settings (the SMTP password never leaves the server). */
export const GET = sessionRoute({ right: "configure", audit: { event: "getConfig", objectType: "config", apiPath: API_PATH } }, async () => ({
  response: Response.json({ MessageExportSettings: toSettingsView(await loadExportSettings()) }, { headers: { "Cache-Control": "no-store" } }),
}));

/** Partial update with the form's rules; omitted keys (and the password) keep their values. */
export const PATCH = sessionRoute({ right: "configure", audit: { event: "patchConfig", objectType: "config", apiPath: API_PATH } }, async ({ request }) => {
  const patch = await parseJsonBody(request, z.record(z.string(), z.unknown()));
  const parsed = ZExportSettingsInput.safeParse(applySettingsPatch(await loadExportSettings(), patch));
  if (!parsed.success) throw new UserError("Some values are not valid.", 400, fieldErrorsOf(parsed.error.issues));
  const { view, audit } = await updateExportSettings({ input: parsed.data });
  return { response: Response.json({ MessageExportSettings: view }, { headers: { "Cache-Control": "no-store" } }), audit };
});
