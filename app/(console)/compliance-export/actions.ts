"use server";

import { ZExportSettingsInput } from "@/lib/settings/schema.ts";
import { updateExportSettings } from "@/lib/settings/update-export-settings.ts";
import { defineAction } from "@/app/_server/action.ts";

export const saveExportSettingsAction = defineAction(
  { id: "/compliance-export#save", schema: ZExportSettingsInput, right: "configure", event: "patchConfig", objectType: "config" },
  async ({ input }) => {
    const { view, audit } = await updateExportSettings({ input });
    return { data: view, audit };
  },
);
