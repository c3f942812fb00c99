import { z } from "zod";
import { SECRET_MASK } from "../../../audit/mask.ts";
import {
  loadExportSettings,
  toSettingsView,
} from "../../../export-settings/export-settings-store.ts";
import { defineCommand } from "../../define-command.ts";

export const show = defineCommand({
  name: "config show",
  summary:
    "Print the Compliance Export settings (Mattermost's MessageExportSettings; the SMTP password masked)",
  schema: z.object({}),
  json: true,
  audit: { event: "getConfig", objectType: "config" },
  async run({ emit }) {
    const view = toSettingsView(await loadExportSettings());
    const { SMTPPasswordSet, ...gr } = view.GlobalRelaySettings;
    const settings = {
      ...view,
      GlobalRelaySettings: { ...gr, SMTPPassword: SMTPPasswordSet ? SECRET_MASK : "" },
    };
    // Always JSON: the settings are a nested document; --json is accepted for scripts' uniformity.
    emit({ MessageExportSettings: settings }, (d) => JSON.stringify(d, null, 2));
    return { audit: {} };
  },
});
