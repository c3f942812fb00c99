import { db, type Tx } from "../db/client.ts";
import {
  DEFAULT_POLICY_ID,
  loadPolicy,
  writePolicy,
  type Policy,
} from "../policies/policy-store.ts";
import { openBoundSecret, sealBoundSecret } from "../settings/secret-binding.ts";
import {
  defaultExportSettings,
  globalRelayEndpoint,
  type ExportSettings,
  type ExportSettingsView,
} from "../settings/schema.ts";

export { globalRelayEndpoint } from "../settings/schema.ts";

/**
 * Mattermost's GlobalRelaySettings are the configuration of the built-in archive mailbox target
 * "globalrelay" (lib/targets): the Compliance Export page, `config set` and the settings API read
 * and write them there, so the page and the Targets page edit the same row.
 */
const GLOBAL_RELAY_TARGET = { id: "globalrelay", name: "Global Relay" };

type GlobalRelay = ExportSettings["GlobalRelaySettings"];

/** The export settings with the SMTP password opened for the stored endpoint (server-side use only). */
export async function loadExportSettings(tx: Tx = db()): Promise<ExportSettings> {
  const policy = await loadPolicy(DEFAULT_POLICY_ID, tx);
  const target = await tx.target.findUnique({ where: { id: GLOBAL_RELAY_TARGET.id } });
  const d = defaultExportSettings();
  const gr: GlobalRelay = {
    ...d.GlobalRelaySettings,
    ...(target ? (JSON.parse(target.config) as Partial<GlobalRelay>) : {}),
    SMTPPassword: "",
  };
  gr.SMTPPassword = target ? openBoundSecret(target.secret, globalRelayEndpoint(gr)) : "";
  return { ...d, ...(policy ? await settingsOfPolicy(policy, tx) : {}), GlobalRelaySettings: gr };
}

/**
 * The Compliance Export page edits the policy "default" (lib/policies): its settings are that row.
 * A schedule other than daily (set on the Policies page) shows as the default run time, and saving
 * the page keeps it unless the run time is changed. The Destination is the policy's target for the
 * file formats; with the Global Relay format the policy delivers to the archive mailbox.
 */
async function settingsOfPolicy(
  policy: Policy,
  tx: Tx,
): Promise<Omit<ExportSettings, "GlobalRelaySettings">> {
  const destination = policy.format === "globalrelay" ? DEFAULT_DESTINATION : policy.targetId;
  void tx;
  return {
    EnableExport: policy.enabled,
    DailyRunTime:
      policy.schedule.kind === "daily" || policy.schedule.kind === "weekly"
        ? policy.schedule.at
        : defaultExportSettings().DailyRunTime,
    TimeZone: policy.timeZone,
    ExportFormat: policy.format,
    BatchSize: policy.batchSize,
    ExportAttachments: policy.exportAttachments,
    Destination: destination,
    ExportFromTimestamp: policy.exportFrom,
  };
}

const DEFAULT_DESTINATION = "local";

export async function writeExportSettings(settings: ExportSettings, tx: Tx = db()): Promise<void> {
  const { GlobalRelaySettings: gr } = settings;
  const { SMTPPassword, ...config } = gr;
  const current = (await loadPolicy(DEFAULT_POLICY_ID, tx))!;
  const shownAt = (await settingsOfPolicy(current, tx)).DailyRunTime;
  const keepSchedule = current.schedule.kind !== "daily" && settings.DailyRunTime === shownAt;
  let targetId = settings.Destination;
  if (settings.ExportFormat === "globalrelay") {
    const kept = await tx.target.findUnique({
      where: { id: current.targetId },
      select: { kind: true },
    });
    targetId = kept?.kind === "smtp" ? current.targetId : GLOBAL_RELAY_TARGET.id;
  }
  await writePolicy(
    {
      ...current,
      enabled: settings.EnableExport,
      schedule: keepSchedule ? current.schedule : { kind: "daily", at: settings.DailyRunTime },
      timeZone: settings.TimeZone,
      format: settings.ExportFormat,
      batchSize: settings.BatchSize,
      exportAttachments: settings.ExportAttachments,
      targetId,
      exportFrom: settings.ExportFromTimestamp,
    },
    tx,
  );
  const target = {
    config: JSON.stringify(config),
    secret: sealBoundSecret(SMTPPassword, globalRelayEndpoint(gr)),
  };
  await tx.target.upsert({
    where: { id: GLOBAL_RELAY_TARGET.id },
    create: { ...GLOBAL_RELAY_TARGET, kind: "smtp", ...target },
    update: target,
  });
}

/** The settings as the browser may see them. */
export function toSettingsView(settings: ExportSettings): ExportSettingsView {
  const { SMTPPassword, ...gr } = settings.GlobalRelaySettings;
  return { ...settings, GlobalRelaySettings: { ...gr, SMTPPasswordSet: SMTPPassword !== "" } };
}
