"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm, type FieldPath } from "react-hook-form";
import {
  notificationEndpoint,
  ZNotificationSettingsInput,
  type NotificationSettingsView,
  type TNotificationSettingsInput,
  type TNotificationSettingsParsed,
} from "@/lib/notifications/schema.ts";
import { FieldError } from "@/components/forms/field-error.tsx";
import { useUnsavedChanges } from "@/components/ui/unsaved-changes.tsx";
import {
  confirmNotificationServerAction,
  saveNotificationSettingsAction,
  sendTestEmailAction,
} from "./actions.ts";

function toValues(v: NotificationSettingsView): TNotificationSettingsInput {
  const { SMTPPasswordSet: _set, ServerTrustedFrom: _trusted, ...rest } = v;
  return {
    ...rest,
    SMTPPort: String(v.SMTPPort),
    Recipients: v.Recipients.join("\n"),
    SMTPPassword: undefined,
  };
}

export function NotificationsForm({
  initial,
  isOwner,
  now,
}: {
  initial: NotificationSettingsView;
  isOwner: boolean;
  now: number;
}) {
  const [view, setView] = useState(initial);
  const [replacing, setReplacing] = useState(!initial.SMTPPasswordSet);
  const [status, setStatus] = useState<{ kind: "ok" | "error"; text: string }>();
  const form = useForm<TNotificationSettingsInput, unknown, TNotificationSettingsParsed>({
    resolver: zodResolver(ZNotificationSettingsInput),
    defaultValues: toValues(initial),
  });
  const { register, handleSubmit, formState, setError, reset } = form;
  const e = formState.errors;
  useUnsavedChanges("notifications", formState.isDirty);
  const typed = form.watch();
  const passwordWillClear =
    !replacing &&
    view.SMTPPasswordSet &&
    JSON.stringify(notificationEndpoint(view)) !==
      JSON.stringify(notificationEndpoint({ ...typed, SMTPPort: Number(typed.SMTPPort) }));
  const [held, setHeld] = useState(view.ServerTrustedFrom > now);
  const confirm = async () => {
    const result = await confirmNotificationServerAction({});
    if (result.ok) setHeld(false);
    setStatus(
      result.ok
        ? {
            kind: "ok",
            text: "Mail server confirmed: set-password links may be emailed through it.",
          }
        : { kind: "error", text: result.message },
    );
  };

  const onSubmit = handleSubmit(async (values) => {
    const result = await saveNotificationSettingsAction({
      ...values,
      SMTPPassword: replacing ? (values.SMTPPassword ?? "") : undefined,
    });
    if (!result.ok) {
      for (const [f, m] of Object.entries(result.fieldErrors))
        setError(f as FieldPath<TNotificationSettingsInput>, { message: m });
      return setStatus({ kind: "error", text: result.message });
    }
    setView(result.data.view);
    reset(toValues(result.data.view));
    setReplacing(!result.data.view.SMTPPasswordSet);
    setHeld(result.data.view.ServerTrustedFrom > Date.now());
    setStatus({
      kind: "ok",
      text: result.data.passwordCleared
        ? "Settings saved. The stored SMTP password was cleared because the server changed; enter it again."
        : "Settings saved.",
    });
  });
  const test = async () => {
    const result = await sendTestEmailAction({});
    setStatus(
      result.ok
        ? { kind: "ok", text: `A test email was sent to ${result.data.to}.` }
        : { kind: "error", text: result.message },
    );
  };
  const text = (name: FieldPath<TNotificationSettingsInput>, label: string, type = "text") => (
    <div className="setting">
      <label htmlFor={name}>{label}</label>
      <div>
        <input
          id={name}
          type={type}
          autoComplete="off"
          aria-invalid={!!(e as Record<string, unknown>)[name]}
          aria-describedby={`${name}-error`}
          {...register(name)}
        />
        <FieldError
          id={`${name}-error`}
          message={(e as Record<string, { message?: string }>)[name]?.message}
        />
      </div>
    </div>
  );

  return (
    <form
      method="post"
      className="card"
      onSubmit={onSubmit}
      noValidate
      aria-label="Notification settings"
    >
      <div className="setting">
        <span className="label">Send notifications:</span>
        <label className="radio">
          <input type="checkbox" {...register("Enabled")} /> Enabled
        </label>
      </div>
      {text("SMTPHost", "SMTP Server Name:")}
      {text("SMTPPort", "SMTP Server Port:")}
      <div className="setting">
        <label htmlFor="Security">Connection Security:</label>
        <div>
          <select id="Security" {...register("Security")}>
            <option value="starttls">STARTTLS</option>
            <option value="tls">TLS</option>
            <option value="none">None (private relay only)</option>
          </select>
        </div>
      </div>
      {text("SMTPUsername", "SMTP Username:")}
      <div className="setting">
        <label htmlFor="SMTPPassword">SMTP Password:</label>
        <div>
          {replacing ? (
            <input
              id="SMTPPassword"
              type="password"
              autoComplete="new-password"
              {...register("SMTPPassword")}
            />
          ) : (
            <div className="inline">
              <span>A password is set.</span>
              <button type="button" className="secondary" onClick={() => setReplacing(true)}>
                Replace password
              </button>
            </div>
          )}
          <p className="help">
            Write-only: stored encrypted and never shown again. It belongs to the server, port,
            security and username it was entered for: changing any of them clears it unless you
            enter it again.
          </p>
          {passwordWillClear && (
            <p className="error" id="password-will-clear" aria-live="polite">
              The server, port, security or username differs from the saved one: saving clears the
              stored password. Enter it again to keep one.
            </p>
          )}
        </div>
      </div>
      {text("FromAddress", "From Address:", "email")}
      <div className="setting">
        <label htmlFor="Recipients">Notify These Addresses:</label>
        <div>
          <textarea
            id="Recipients"
            rows={4}
            cols={40}
            aria-invalid={!!e.Recipients}
            aria-describedby="Recipients-help Recipients-error"
            {...register("Recipients")}
          />
          <p className="help" id="Recipients-help">
            One address per line: they hear about failures, warnings and missed schedules.
          </p>
          <FieldError id="Recipients-error" message={e.Recipients?.message} />
        </div>
      </div>
      <div className="setting">
        <span className="label">Tell them about:</span>
        <div className="inline">
          <label className="radio">
            <input type="checkbox" {...register("NotifyOnFailure")} /> Failed exports
          </label>
          <label className="radio">
            <input type="checkbox" {...register("NotifyOnWarning")} /> Exports with warnings
          </label>
          <label className="radio">
            <input type="checkbox" {...register("NotifyOnMissedSchedule")} /> No export for over a
            day
          </label>
          <label className="radio">
            <input type="checkbox" {...register("NotifyRequesters")} /> Requesters, when their
            export ends
          </label>
        </div>
      </div>
      {held && (
        <div className="alert" role="note" id="server-held">
          <p>
            This mail server was changed by an admin other than the owner: set-password links are
            not emailed through it until{" "}
            {new Date(view.ServerTrustedFrom).toISOString().replace("T", " ").slice(0, 16)} UTC,
            unless the owner confirms it.
          </p>
          {isOwner && (
            <button type="button" className="secondary" onClick={confirm}>
              Confirm this mail server
            </button>
          )}
        </div>
      )}
      <div className="savebar">
        <button type="submit" disabled={formState.isSubmitting || !formState.isDirty}>
          Save
        </button>
        <button type="button" className="secondary" onClick={test} disabled={!view.SMTPHost}>
          Send test email
        </button>
        {status && (
          <span role="status" className={status.kind === "ok" ? "status-ok" : "status-error"}>
            {status.text}
          </span>
        )}
      </div>
    </form>
  );
}
