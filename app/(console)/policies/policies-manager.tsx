"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { CHANNEL_TYPE_LABELS, CHANNEL_TYPES } from "@/lib/policies/policy-filter.ts";
import { ZPolicyInput, ZPolicyPatch } from "@/lib/policies/policy-schema.ts";
import type { PolicyView } from "@/lib/policies/policy-view.ts";
import { WEEKDAYS } from "@/lib/policies/schedule.ts";
import { EXPORT_FORMAT_LABELS, EXPORT_FORMATS } from "@/lib/settings/schema.ts";
import { useConfirm } from "@/components/ui/dialog.tsx";
import { Field, fieldProps } from "@/components/ui/field.tsx";
import { RelativeTime } from "@/components/ui/relative-time.tsx";
import { StatusMessage, type Status } from "@/components/ui/status-message.tsx";
import { useToast } from "@/components/ui/toast.tsx";
import {
  createPolicyAction,
  deletePolicyAction,
  patchPolicyAction,
  runPolicyAction,
} from "./actions.ts";
import {
  filterOf,
  formFieldOf,
  toFormValues,
  toPolicyInput,
  type PolicyFormValues,
} from "./policy-form-values.ts";

export type TargetOption = { id: string; name: string; kind: string; disabled: boolean };

const MAILBOX_FORMATS = new Set(["globalrelay"]);
const DEFAULT_POLICY_ID = "default";

/** The Policies page: the list with enable/disable, run now and delete, and one form to add or edit. */
export function PoliciesManager(props: {
  initial: PolicyView[];
  targets: TargetOption[];
  timeZones: string[];
  canConfigure: boolean;
  canRun: boolean;
}) {
  const router = useRouter();
  const confirm = useConfirm();
  const notify = useToast();
  const [editing, setEditing] = useState<PolicyView | "new" | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const act = async (
    key: string,
    run: () => Promise<{ ok: true; data: unknown } | { ok: false; message: string }>,
    done: string,
  ) => {
    setBusy(key);
    try {
      const result = await run();
      notify(result.ok ? "ok" : "error", result.ok ? done : result.message);
    } catch {
      notify("error", "The server could not be reached; nothing changed. Try again.");
    } finally {
      setBusy(null);
      router.refresh();
    }
  };
  const toggle = (p: PolicyView) =>
    act(
      `toggle:${p.id}`,
      () => patchPolicyAction({ id: p.id, patch: { enabled: !p.enabled } }),
      `${p.enabled ? "Disabled" : "Enabled"} “${p.name}”.`,
    );
  const run = (p: PolicyView) =>
    act(
      `run:${p.id}`,
      () => runPolicyAction({ id: p.id }),
      `Started a run of “${p.name}”; it is in the job table.`,
    );
  const remove = async (p: PolicyView) => {
    const yes = await confirm({
      title: `Delete the policy “${p.name}”?`,
      description:
        "It stops running at once. Its jobs and exports stay (downloadable, verifiable), and its name stays taken so the record is never ambiguous.",
      confirmLabel: "Delete policy",
      cancelLabel: "Keep it",
      destructive: true,
    });
    if (yes)
      await act(`delete:${p.id}`, () => deletePolicyAction({ id: p.id }), `Deleted “${p.name}”.`);
  };

  return (
    <>
      <div className="card">
        <div className="page-header">
          <h2>Policies</h2>
          {props.canConfigure && (
            <button type="button" onClick={() => setEditing("new")} disabled={editing !== null}>
              Add policy
            </button>
          )}
        </div>
        <div className="table-scroll">
          <table className="stack" aria-label="Export policies">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Format and target</th>
                <th scope="col">Conversations</th>
                <th scope="col">Schedule</th>
                <th scope="col">Last run</th>
                <th scope="col">Exported up to</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {props.initial.map((p) => (
                <tr key={p.id} data-policy={p.name}>
                  <td data-label="Name">
                    <strong>{p.name}</strong>
                    <div className="muted small-text">{p.enabled ? "Enabled" : "Disabled"}</div>
                  </td>
                  <td data-label="Format and target">
                    {EXPORT_FORMAT_LABELS[p.format as keyof typeof EXPORT_FORMAT_LABELS] ??
                      p.format}{" "}
                    → {p.targetName}
                  </td>
                  <td data-label="Conversations">{p.filterSummary}</td>
                  <td data-label="Schedule">
                    {p.scheduleSummary} ({p.timeZone})
                    <div className="muted small-text">
                      {p.nextRunAt ? (
                        <>
                          Next run <RelativeTime ms={Date.parse(p.nextRunAt)} />
                        </>
                      ) : (
                        "No next run (disabled)"
                      )}
                    </div>
                  </td>
                  <td data-label="Last run">
                    {p.lastRun ? (
                      <Link href={`/jobs/${p.lastRun.jobId}`}>{p.lastRun.status}</Link>
                    ) : (
                      "Never"
                    )}
                  </td>
                  <td data-label="Exported up to">
                    {p.exportedUpTo === null ? "—" : <RelativeTime ms={p.exportedUpTo} />}
                  </td>
                  <td data-label="Actions">
                    <div className="inline">
                      {props.canConfigure && (
                        <button
                          type="button"
                          className="secondary"
                          onClick={() => setEditing(p)}
                          disabled={editing !== null}
                          aria-label={`Edit ${p.name}`}
                        >
                          Edit
                        </button>
                      )}
                      {props.canConfigure && (
                        <button
                          type="button"
                          className="secondary"
                          onClick={() => toggle(p)}
                          disabled={busy !== null}
                          aria-label={`${p.enabled ? "Disable" : "Enable"} ${p.name}`}
                        >
                          {p.enabled ? "Disable" : "Enable"}
                        </button>
                      )}
                      {props.canRun && (
                        <button
                          type="button"
                          className="secondary"
                          onClick={() => run(p)}
                          disabled={busy !== null || !p.enabled}
                          aria-label={`Run now: ${p.name}`}
                        >
                          {busy === `run:${p.id}` ? "Starting…" : "Run now"}
                        </button>
                      )}
                      {props.canConfigure && p.id !== DEFAULT_POLICY_ID && (
                        <button
                          type="button"
                          className="danger"
                          onClick={() => remove(p)}
                          disabled={busy !== null}
                          aria-label={`Delete ${p.name}`}
                        >
                          Delete
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      {editing !== null && (
        <PolicyForm
          key={editing === "new" ? "new" : editing.id}
          existing={editing === "new" ? null : editing}
          targets={props.targets}
          timeZones={props.timeZones}
          onDone={(message) => {
            setEditing(null);
            if (message) notify("ok", message);
            router.refresh();
          }}
        />
      )}
    </>
  );
}

type Preview = { channels: number; messages: number };

function PolicyForm(props: {
  existing: PolicyView | null;
  targets: TargetOption[];
  timeZones: string[];
  onDone: (message?: string) => void;
}) {
  const { existing } = props;
  const [status, setStatus] = useState<Status>();
  const [preview, setPreview] = useState<Status>();
  const form = useForm<PolicyFormValues>({ defaultValues: toFormValues(existing) });
  const { register, handleSubmit, watch, setError, clearErrors, formState } = form;
  const v = watch();
  const err = (name: keyof PolicyFormValues) =>
    formState.errors[name]?.message as string | undefined;
  const control = (name: keyof PolicyFormValues) => fieldProps(name, err(name));
  const mailbox = MAILBOX_FORMATS.has(v.format);
  const targets = props.targets.filter((t) => (mailbox ? t.kind === "smtp" : t.kind !== "smtp"));

  const showIssues = (issues: Array<{ path: PropertyKey[]; message: string }>) => {
    for (const issue of issues)
      setError(formFieldOf(issue.path.map(String).join(".")), { message: issue.message });
  };

  const save = async (values: PolicyFormValues) => {
    clearErrors();
    setStatus(undefined);
    const input = toPolicyInput(values);
    const checked = existing ? ZPolicyPatch.safeParse(input) : ZPolicyInput.safeParse(input);
    if (!checked.success) {
      showIssues(checked.error.issues);
      setStatus({
        kind: "error",
        text: "Some values are not valid; see the messages beside the fields.",
      });
      return;
    }
    try {
      const result = existing
        ? await patchPolicyAction({ id: existing.id, patch: input })
        : await createPolicyAction(input);
      if (result.ok)
        return props.onDone(
          existing ? `Saved “${result.data.name}”.` : `Added “${result.data.name}”.`,
        );
      for (const [field, message] of Object.entries(result.fieldErrors))
        setError(formFieldOf(field), { message });
      setStatus({ kind: "error", text: result.message });
    } catch {
      setStatus({
        kind: "error",
        text: "The server could not be reached; nothing was saved. Try again.",
      });
    }
  };

  const runPreview = async () => {
    setPreview({ kind: "ok", text: "Counting…" });
    try {
      const response = await fetch("/api/v1/policies/preview", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ filter: filterOf(form.getValues()) }),
      });
      const body = (await response.json()) as Preview & {
        message?: string;
        fieldErrors?: Record<string, string>;
      };
      if (!response.ok) {
        for (const [field, message] of Object.entries(body.fieldErrors ?? {}))
          setError(formFieldOf(field), { message });
        setPreview({ kind: "error", text: body.message ?? "The preview failed." });
        return;
      }
      setPreview({
        kind: "ok",
        text: `This filter selects ${body.messages.toLocaleString()} message(s) in ${body.channels.toLocaleString()} channel(s) of the last 7 days.`,
      });
    } catch {
      setPreview({ kind: "error", text: "The server could not be reached. Try again." });
    }
  };

  const isDefault = existing?.id === DEFAULT_POLICY_ID;
  return (
    <form
      className="card"
      aria-label={existing ? `Edit ${existing.name}` : "Add a policy"}
      noValidate
      onSubmit={handleSubmit(save)}
    >
      <h2>{existing ? `Edit “${existing.name}”` : "Add a policy"}</h2>
      <Field
        label="Name:"
        htmlFor="name"
        name="name"
        error={err("name")}
        help={
          isDefault
            ? "The default policy keeps its name."
            : "Unique; the CLI's `policy run <name>` uses it."
        }
      >
        <input
          type="text"
          autoComplete="off"
          {...register("name")}
          {...control("name")}
          readOnly={isDefault}
        />
      </Field>
      <Field
        label="Enabled:"
        htmlFor="enabled"
        name="enabled"
        error={err("enabled")}
        help="The first time a policy is enabled, that moment becomes where it exports from."
      >
        <input type="checkbox" {...register("enabled")} {...control("enabled")} />
      </Field>
      <Field label="Export format:" htmlFor="format" name="format" error={err("format")}>
        <select {...register("format")} {...control("format")}>
          {EXPORT_FORMATS.map((f) => (
            <option key={f} value={f}>
              {EXPORT_FORMAT_LABELS[f]}
            </option>
          ))}
        </select>
      </Field>
      <Field
        label="Target:"
        htmlFor="target"
        name="target"
        error={err("target")}
        help={
          mailbox
            ? "GlobalRelay EML is mailed to an archive mailbox."
            : "A local directory or an S3 bucket (Targets page)."
        }
      >
        <select {...register("target")} {...control("target")}>
          <option value="">Choose a target</option>
          {targets.map((t) => (
            <option key={t.id} value={t.id} disabled={t.disabled}>
              {t.name}
              {t.disabled ? " (disabled)" : ""}
            </option>
          ))}
        </select>
      </Field>

      <fieldset>
        <legend>Conversations</legend>
        <Field
          label="Select:"
          name="by"
          error={err("by")}
          help="By participant: every message a chosen user could see when it was posted (their channels, DMs and group messages, by join and leave times), and all they wrote."
        >
          <div className="inline" role="radiogroup" aria-label="Select">
            <label>
              <input type="radio" value="conversation" {...register("by")} /> By conversation
            </label>
            <label>
              <input type="radio" value="participant" {...register("by")} /> By participant
            </label>
          </div>
        </Field>
        <Field
          label="Users:"
          htmlFor="users"
          name="users"
          error={err("users")}
          help="Usernames or ids, comma-separated."
        >
          <input
            type="text"
            autoComplete="off"
            placeholder="alice, bob"
            {...register("users")}
            {...control("users")}
          />
        </Field>
        <Field
          label="Teams:"
          htmlFor="teams"
          name="teams"
          error={err("teams")}
          help="Team names or ids, comma-separated; empty: every team."
        >
          <input type="text" autoComplete="off" {...register("teams")} {...control("teams")} />
        </Field>
        <Field
          label="Channels:"
          htmlFor="channels"
          name="channels"
          error={err("channels")}
          help="Channel names or ids, comma-separated; empty: every channel."
        >
          <input
            type="text"
            autoComplete="off"
            {...register("channels")}
            {...control("channels")}
          />
        </Field>
        <Field
          label="Exclude channels:"
          htmlFor="excludeChannels"
          name="excludeChannels"
          error={err("excludeChannels")}
        >
          <input
            type="text"
            autoComplete="off"
            {...register("excludeChannels")}
            {...control("excludeChannels")}
          />
        </Field>
        <Field
          label="Channel types:"
          name="channelTypes"
          error={err("channelTypes")}
          help="None checked: every type."
        >
          <div className="checkbox-group" role="group" aria-label="Channel types">
            {CHANNEL_TYPES.map((t) => (
              <label key={t}>
                <input type="checkbox" value={t} {...register("channelTypes")} />{" "}
                {CHANNEL_TYPE_LABELS[t]}
              </label>
            ))}
          </div>
        </Field>
        <Field
          label="Not before:"
          htmlFor="notBefore"
          name="notBefore"
          error={err("notBefore")}
          help="Messages created from this moment (your time zone); empty: no limit."
        >
          <input type="datetime-local" {...register("notBefore")} {...control("notBefore")} />
        </Field>
        <Field label="Not after:" htmlFor="notAfter" name="notAfter" error={err("notAfter")}>
          <input type="datetime-local" {...register("notAfter")} {...control("notAfter")} />
        </Field>
        <div className="inline">
          <button type="button" className="secondary" onClick={runPreview}>
            Preview
          </button>
          <StatusMessage status={preview} />
        </div>
      </fieldset>

      <fieldset>
        <legend>Schedule</legend>
        <Field label="Runs:" htmlFor="scheduleKind" name="scheduleKind" error={err("scheduleKind")}>
          <select {...register("scheduleKind")} {...control("scheduleKind")}>
            <option value="daily">Daily</option>
            <option value="weekly">Weekly</option>
            <option value="hours">Every N hours</option>
            <option value="cron">Cron expression</option>
          </select>
        </Field>
        {v.scheduleKind === "weekly" && (
          <Field label="Days:" name="days" error={err("days")}>
            <div className="checkbox-group" role="group" aria-label="Days">
              {WEEKDAYS.map((d) => (
                <label key={d}>
                  <input type="checkbox" value={d} {...register("days")} /> {d}
                </label>
              ))}
            </div>
          </Field>
        )}
        {(v.scheduleKind === "daily" || v.scheduleKind === "weekly") && (
          <Field
            label="Time of day:"
            htmlFor="at"
            name="at"
            error={err("at")}
            help="24-hour HH:MM in the policy's time zone."
          >
            <input
              type="text"
              inputMode="numeric"
              autoComplete="off"
              {...register("at")}
              {...control("at")}
            />
          </Field>
        )}
        {v.scheduleKind === "hours" && (
          <Field
            label="Every (hours):"
            htmlFor="every"
            name="every"
            error={err("every")}
            help="At the local hours divisible by N."
          >
            <input
              type="text"
              inputMode="numeric"
              autoComplete="off"
              {...register("every")}
              {...control("every")}
            />
          </Field>
        )}
        {v.scheduleKind === "cron" && (
          <Field
            label="Cron expression:"
            htmlFor="expression"
            name="expression"
            error={err("expression")}
            help="Five fields: minute hour day month weekday, e.g. 0 2 * * 1-5."
          >
            <input
              type="text"
              autoComplete="off"
              {...register("expression")}
              {...control("expression")}
            />
          </Field>
        )}
        <Field label="Time zone:" htmlFor="timeZone" name="timeZone" error={err("timeZone")}>
          <select {...register("timeZone")} {...control("timeZone")}>
            {props.timeZones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        </Field>
      </fieldset>

      <Field label="Batch size:" htmlFor="batchSize" name="batchSize" error={err("batchSize")}>
        <input
          type="text"
          inputMode="numeric"
          autoComplete="off"
          {...register("batchSize")}
          {...control("batchSize")}
        />
      </Field>
      <Field
        label="Export attachments:"
        htmlFor="exportAttachments"
        name="exportAttachments"
        error={err("exportAttachments")}
      >
        <input
          type="checkbox"
          {...register("exportAttachments")}
          {...control("exportAttachments")}
        />
      </Field>
      <Field
        label="Decrypt attachments:"
        htmlFor="decryptAttachments"
        name="decryptAttachments"
        error={err("decryptAttachments")}
        help="Off: the zip carries the stored ciphertext and encryption.json; decrypt-export restores it with the key file."
      >
        <input
          type="checkbox"
          {...register("decryptAttachments")}
          {...control("decryptAttachments")}
        />
      </Field>

      <StatusMessage status={status} />
      <div className="inline">
        <button type="submit" disabled={formState.isSubmitting}>
          {formState.isSubmitting ? "Saving…" : existing ? "Save policy" : "Add policy"}
        </button>
        <button type="button" className="secondary" onClick={() => props.onDone()}>
          Cancel
        </button>
      </div>
    </form>
  );
}
