"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState, type ReactNode } from "react";
import { useForm, type FieldPath } from "react-hook-form";
import {
  CUSTOMER_TYPE_LABELS,
  CUSTOMER_TYPES,
  EXPORT_FORMAT_LABELS,
  globalRelayEndpoint,
  ZExportSettingsInput,
  type ExportSettingsView,
  type TExportSettingsInput,
  type TExportSettingsParsed,
} from "@/lib/settings/schema.ts";
import { Field } from "@/components/ui/field.tsx";
import { SaveBar } from "@/components/ui/save-bar.tsx";
import { useToast } from "@/components/ui/toast.tsx";
import { useUnsavedChanges } from "@/components/ui/unsaved-changes.tsx";
import { saveExportSettingsAction, testGlobalRelayConnectionAction } from "./actions.ts";

const FORMAT_ORDER = ["actiance", "csv", "globalrelay", "globalrelay-zip", "json"] as const;

function toFormValues(view: ExportSettingsView): TExportSettingsInput {
  const { SMTPPasswordSet: _set, ...gr } = view.GlobalRelaySettings;
  return {
    EnableExport: view.EnableExport,
    DailyRunTime: view.DailyRunTime,
    TimeZone: view.TimeZone,
    ExportFormat: view.ExportFormat,
    BatchSize: String(view.BatchSize),
    ExportAttachments: view.ExportAttachments,
    Destination: view.Destination,
    GlobalRelaySettings: {
      ...gr,
      CustomSMTPPort: String(gr.CustomSMTPPort),
      SMTPServerTimeout: String(gr.SMTPServerTimeout),
      SMTPPassword: undefined,
    },
  };
}

/** A target the file formats may go to (a local directory or an S3 bucket). */
export type DestinationOption = {
  id: string;
  name: string;
  destination: string;
  disabled: boolean;
};

export function ExportSettingsForm(props: {
  initial: ExportSettingsView;
  timeZones: string[];
  destinations: DestinationOption[];
}) {
  const notify = useToast();
  const [view, setView] = useState(props.initial);
  const [replacingPassword, setReplacingPassword] = useState(
    !props.initial.GlobalRelaySettings.SMTPPasswordSet,
  );
  const [status, setStatus] = useState<{ kind: "ok" | "error"; text: string }>();
  const [connection, setConnection] = useState<{ kind: "ok" | "error"; text: string }>();
  const testConnection = async () => {
    setConnection({ kind: "ok", text: "Connecting…" });
    const result = await testGlobalRelayConnectionAction({});
    if (!result.ok) return setConnection({ kind: "error", text: result.message });
    setConnection({ kind: result.data.ok ? "ok" : "error", text: result.data.message });
  };
  const form = useForm<TExportSettingsInput, unknown, TExportSettingsParsed>({
    resolver: zodResolver(ZExportSettingsInput),
    defaultValues: toFormValues(props.initial),
    mode: "onTouched",
  });
  const { register, handleSubmit, watch, setError, reset, formState } = form;
  const { errors, isDirty, isSubmitting } = formState;
  const enabled = watch("EnableExport");
  const format = watch("ExportFormat");
  const customerType = watch("GlobalRelaySettings.CustomerType");
  const off = !enabled;
  // The stored password is bound to the endpoint it was entered for: say before saving that it goes.
  const typed = watch("GlobalRelaySettings");
  const passwordWillClear =
    !replacingPassword &&
    view.GlobalRelaySettings.SMTPPasswordSet &&
    JSON.stringify(globalRelayEndpoint(view.GlobalRelaySettings)) !==
      JSON.stringify(
        globalRelayEndpoint({
          ...typed,
          CustomSMTPPort: Number(typed.CustomSMTPPort),
          AllowPlainSMTP: typed.AllowPlainSMTP ?? false,
        }),
      );

  // In-app links ask before leaving with unsaved changes; reload and close get the browser's prompt.
  useUnsavedChanges("compliance-export-settings", isDirty);

  const save = async (values: TExportSettingsInput | TExportSettingsParsed) => {
    setStatus(undefined);
    const input = {
      ...values,
      GlobalRelaySettings: {
        ...values.GlobalRelaySettings,
        SMTPPassword: replacingPassword
          ? (values.GlobalRelaySettings.SMTPPassword ?? "")
          : undefined,
      },
    };
    let result: Awaited<ReturnType<typeof saveExportSettingsAction>>;
    try {
      result = await saveExportSettingsAction(input);
    } catch {
      result = {
        ok: false,
        status: 0,
        message: "The server could not be reached; nothing was saved. Try again.",
        fieldErrors: {},
      };
    }
    if (result.ok) {
      setView(result.data.view);
      reset(toFormValues(result.data.view));
      setReplacingPassword(!result.data.view.GlobalRelaySettings.SMTPPasswordSet);
      notify(
        "ok",
        result.data.passwordCleared
          ? "Settings saved. The stored SMTP password was cleared because the server changed; enter it again."
          : "Settings saved.",
      );
      return;
    }
    for (const [field, message] of Object.entries(result.fieldErrors))
      setError(field as FieldPath<TExportSettingsInput>, { message });
    setStatus({ kind: "error", text: result.message });
  };
  // Values the browser already refused still go to the server, which refuses them the same way
  // (one schema) and writes the failed patchConfig audit record a refused save must leave.
  // Awaited, so the form shows "Saving…" until the server has answered.
  const onSubmit = handleSubmit(save, () => save(form.getValues()));

  const err = (path: string) =>
    path
      .split(".")
      .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], errors) as
      { message?: string } | undefined;
  const field = (name: FieldPath<TExportSettingsInput>) => ({
    id: name,
    "aria-invalid": !!err(name),
    "aria-describedby": `${name}-help ${name}-error`,
  });

  return (
    <form
      method="post"
      onSubmit={onSubmit}
      noValidate
      className="card"
      aria-label="Compliance export settings"
    >
      <Setting
        label="Enable Compliance Export:"
        htmlFor="EnableExport"
        help="When true, Custodian exports all messages daily at the Compliance Export time. Nothing from before the moment it was first enabled is exported."
        error={err("EnableExport")?.message}
        name="EnableExport"
      >
        <label className="radio">
          <input
            type="checkbox"
            role="switch"
            {...register("EnableExport")}
            {...field("EnableExport")}
          />
          {enabled ? "true" : "false"}
        </label>
      </Setting>

      <Setting
        label="Compliance Export Time:"
        htmlFor="DailyRunTime"
        help="The time of day the daily export starts, 24-hour HH:MM, in the time zone beside it."
        error={err("DailyRunTime")?.message ?? err("TimeZone")?.message}
        name="DailyRunTime"
        disabled={off}
      >
        <div className="inline">
          <input
            type="text"
            placeholder="02:00"
            inputMode="numeric"
            autoComplete="off"
            {...register("DailyRunTime")}
            {...field("DailyRunTime")}
            disabled={off}
          />
          <label htmlFor="TimeZone" className="visually-hidden">
            Time zone
          </label>
          <select
            {...register("TimeZone")}
            {...field("TimeZone")}
            disabled={off}
            aria-label="Time zone"
          >
            {props.timeZones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        </div>
      </Setting>

      <Setting
        label="Export Format:"
        htmlFor="ExportFormat"
        help={
          format === "globalrelay"
            ? "Emails are sent to the Global Relay archive over SMTP."
            : "Files are written to the Destination below as one zip per batch, available to admins with the download right for as long as the destination keeps them."
        }
        error={err("ExportFormat")?.message}
        name="ExportFormat"
        disabled={off}
      >
        <select {...register("ExportFormat")} {...field("ExportFormat")} disabled={off}>
          {FORMAT_ORDER.map((f) => (
            <option key={f} value={f}>
              {EXPORT_FORMAT_LABELS[f]}
            </option>
          ))}
        </select>
      </Setting>

      {format !== "globalrelay" && (
        <Setting
          label="Destination:"
          htmlFor="Destination"
          help="Where the batch files go: a local directory or an S3-compatible bucket. Add targets on the Targets page."
          error={err("Destination")?.message}
          name="Destination"
          disabled={off}
        >
          <select {...register("Destination")} {...field("Destination")} disabled={off}>
            {props.destinations.map((d) => (
              <option key={d.id} value={d.id} disabled={d.disabled && d.id !== view.Destination}>
                {d.name} — {d.destination}
                {d.disabled ? " (disabled)" : ""}
              </option>
            ))}
          </select>
        </Setting>
      )}

      {format === "globalrelay" && (
        <>
          <Setting
            label="Customer Type:"
            help="The type of Global Relay customer account. Choose Custom for Proofpoint or any other SMTP archive."
            error={err("GlobalRelaySettings.CustomerType")?.message}
            name="GlobalRelaySettings.CustomerType"
            disabled={off}
            group
          >
            <div className="inline" role="radiogroup" aria-label="Customer Type">
              {CUSTOMER_TYPES.map((t) => (
                <label key={t} className="radio">
                  <input
                    type="radio"
                    value={t}
                    {...register("GlobalRelaySettings.CustomerType")}
                    disabled={off}
                  />
                  {CUSTOMER_TYPE_LABELS[t]}
                </label>
              ))}
            </div>
          </Setting>
          <Setting
            label="SMTP Username:"
            htmlFor="GlobalRelaySettings.SMTPUsername"
            help="The username for authenticating to the archive's SMTP server."
            error={err("GlobalRelaySettings.SMTPUsername")?.message}
            name="GlobalRelaySettings.SMTPUsername"
            disabled={off}
          >
            <input
              type="text"
              autoComplete="off"
              {...register("GlobalRelaySettings.SMTPUsername")}
              {...field("GlobalRelaySettings.SMTPUsername")}
              disabled={off}
            />
          </Setting>
          <Setting
            label="SMTP Password:"
            htmlFor="GlobalRelaySettings.SMTPPassword"
            help="Write-only: it is stored encrypted and never shown again. It belongs to the customer type, server, port, plain-SMTP setting and username it was entered for: changing any of them clears it unless you enter it again."
            error={err("GlobalRelaySettings.SMTPPassword")?.message}
            name="GlobalRelaySettings.SMTPPassword"
            disabled={off}
          >
            {replacingPassword ? (
              <div className="inline">
                <input
                  type="password"
                  autoComplete="new-password"
                  {...register("GlobalRelaySettings.SMTPPassword")}
                  {...field("GlobalRelaySettings.SMTPPassword")}
                  disabled={off}
                />
                {view.GlobalRelaySettings.SMTPPasswordSet && (
                  <button
                    type="button"
                    className="link"
                    onClick={() => {
                      setReplacingPassword(false);
                      form.setValue("GlobalRelaySettings.SMTPPassword", undefined);
                    }}
                  >
                    Keep the current password
                  </button>
                )}
              </div>
            ) : (
              <div className="inline">
                <span id="password-state">A password is set.</span>
                <button
                  type="button"
                  className="secondary"
                  disabled={off}
                  onClick={() => setReplacingPassword(true)}
                >
                  Replace password
                </button>
              </div>
            )}
            {passwordWillClear && (
              <p className="error" id="password-will-clear" aria-live="polite">
                The server, port, plain-SMTP setting or username differs from the saved one: saving
                clears the stored password. Enter it again to keep one.
              </p>
            )}
          </Setting>
          <Setting
            label="Email Address:"
            htmlFor="GlobalRelaySettings.EmailAddress"
            help="The archive mailbox that receives the exported emails."
            error={err("GlobalRelaySettings.EmailAddress")?.message}
            name="GlobalRelaySettings.EmailAddress"
            disabled={off}
          >
            <input
              type="email"
              autoComplete="off"
              {...register("GlobalRelaySettings.EmailAddress")}
              {...field("GlobalRelaySettings.EmailAddress")}
              disabled={off}
            />
          </Setting>
          {customerType === "CUSTOM" && (
            <>
              <Setting
                label="SMTP Server Name:"
                htmlFor="GlobalRelaySettings.CustomSMTPServerName"
                help="The host name of the archive's SMTP server, e.g. Proofpoint's."
                error={err("GlobalRelaySettings.CustomSMTPServerName")?.message}
                name="GlobalRelaySettings.CustomSMTPServerName"
                disabled={off}
              >
                <input
                  type="text"
                  autoComplete="off"
                  {...register("GlobalRelaySettings.CustomSMTPServerName")}
                  {...field("GlobalRelaySettings.CustomSMTPServerName")}
                  disabled={off}
                />
              </Setting>
              <Setting
                label="SMTP Server Port:"
                htmlFor="GlobalRelaySettings.CustomSMTPPort"
                help="The port of the archive's SMTP server, 1–65535 (usually 25 or 587)."
                error={err("GlobalRelaySettings.CustomSMTPPort")?.message}
                name="GlobalRelaySettings.CustomSMTPPort"
                disabled={off}
              >
                <input
                  type="text"
                  inputMode="numeric"
                  autoComplete="off"
                  {...register("GlobalRelaySettings.CustomSMTPPort")}
                  {...field("GlobalRelaySettings.CustomSMTPPort")}
                  disabled={off}
                />
              </Setting>
              <Setting
                label="Allow Plain SMTP:"
                htmlFor="GlobalRelaySettings.AllowPlainSMTP"
                help="Only for a private relay without TLS: messages and the password then cross the network unencrypted."
                error={err("GlobalRelaySettings.AllowPlainSMTP")?.message}
                name="GlobalRelaySettings.AllowPlainSMTP"
                disabled={off}
              >
                <label className="radio">
                  <input
                    type="checkbox"
                    {...register("GlobalRelaySettings.AllowPlainSMTP")}
                    {...field("GlobalRelaySettings.AllowPlainSMTP")}
                    disabled={off}
                  />
                  {watch("GlobalRelaySettings.AllowPlainSMTP") ? "true" : "false"}
                </label>
              </Setting>
            </>
          )}
          <Setting
            label="Test Connection:"
            help="Connects to the saved server, starts TLS and signs in, without sending mail. Save your changes first."
            name="GlobalRelaySettings.TestConnection"
            disabled={off}
          >
            <div className="inline">
              <button
                type="button"
                className="secondary"
                onClick={testConnection}
                disabled={off || isDirty}
              >
                Test connection
              </button>
              {connection && (
                <span
                  role="status"
                  data-testid="connection-result"
                  className={connection.kind === "ok" ? "status-ok" : "status-error"}
                >
                  {connection.text}
                </span>
              )}
            </div>
          </Setting>
          <Setting
            label="SMTP Server Timeout:"
            htmlFor="GlobalRelaySettings.SMTPServerTimeout"
            help="Seconds to wait for the SMTP server before giving up and retrying later."
            error={err("GlobalRelaySettings.SMTPServerTimeout")?.message}
            name="GlobalRelaySettings.SMTPServerTimeout"
            disabled={off}
          >
            <input
              type="text"
              inputMode="numeric"
              autoComplete="off"
              {...register("GlobalRelaySettings.SMTPServerTimeout")}
              {...field("GlobalRelaySettings.SMTPServerTimeout")}
              disabled={off}
            />
          </Setting>
        </>
      )}

      <Setting
        label="Batch Size:"
        htmlFor="BatchSize"
        help="Messages per batch file (one zip per batch)."
        error={err("BatchSize")?.message}
        name="BatchSize"
        disabled={off}
      >
        <input
          type="text"
          inputMode="numeric"
          autoComplete="off"
          {...register("BatchSize")}
          {...field("BatchSize")}
          disabled={off}
        />
      </Setting>

      <Setting
        label="Export Attachments:"
        htmlFor="ExportAttachments"
        help="When true, file attachments are copied into the export."
        error={err("ExportAttachments")?.message}
        name="ExportAttachments"
        disabled={off}
      >
        <label className="radio">
          <input
            type="checkbox"
            {...register("ExportAttachments")}
            {...field("ExportAttachments")}
            disabled={off}
          />
          {watch("ExportAttachments") ? "true" : "false"}
        </label>
      </Setting>

      <SaveBar dirty={isDirty} saving={isSubmitting} status={status} />
    </form>
  );
}

/** A setting row of Mattermost's page (the kit's Field); `group` rows label a radio group instead of one control. */
function Setting(props: {
  label: string;
  htmlFor?: string;
  help: string;
  error?: string;
  name: string;
  disabled?: boolean;
  group?: boolean;
  children: ReactNode;
}) {
  return (
    <Field
      label={props.label}
      htmlFor={props.htmlFor}
      help={props.help}
      error={props.error}
      name={props.name}
      disabled={props.disabled}
    >
      {props.children}
    </Field>
  );
}
