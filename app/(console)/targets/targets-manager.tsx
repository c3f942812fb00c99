"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm, type FieldPath } from "react-hook-form";
import type { TargetListItem } from "@/lib/targets/list-targets.ts";
import { CUSTOMER_TYPE_LABELS, CUSTOMER_TYPES } from "@/lib/settings/schema.ts";
import {
  OBJECT_LOCK_MODES,
  SECRET_LABEL,
  SSE_MODES,
  TARGET_KIND_LABELS,
  TARGET_KINDS,
  secretEndpointOf,
  ZTargetSave,
  type TargetKindName,
} from "@/lib/targets/schema.ts";
import { useConfirm } from "@/components/ui/dialog.tsx";
import { Field } from "@/components/ui/field.tsx";
import { StatusMessage, type Status } from "@/components/ui/status-message.tsx";
import { useToast } from "@/components/ui/toast.tsx";
import { removeTargetAction, saveTargetAction, testTargetAction } from "./actions.ts";

type FormValues = {
  id?: string;
  target: {
    kind: TargetKindName;
    name: string;
    disabled: boolean;
    config: Record<string, unknown>;
    secret?: string;
  };
};

const DEFAULT_CONFIG: Record<TargetKindName, Record<string, unknown>> = {
  local: { path: "" },
  s3: {
    endpoint: "",
    region: "",
    bucket: "",
    prefix: "",
    accessKeyId: "",
    forcePathStyle: false,
    sse: "none",
    kmsKeyId: "",
    storageClass: "",
    objectLock: false,
    objectLockMode: "COMPLIANCE",
    objectLockRetentionDays: "",
    deleteAfterDays: "",
  },
  smtp: {
    CustomerType: "CUSTOM",
    EmailAddress: "",
    SMTPUsername: "",
    CustomSMTPServerName: "",
    CustomSMTPPort: "25",
    SMTPServerTimeout: "1800",
    AllowPlainSMTP: false,
  },
};

function toForm(t: TargetListItem | null, kind: TargetKindName = "s3"): FormValues {
  if (!t)
    return {
      target: { kind, name: "", disabled: false, config: { ...DEFAULT_CONFIG[kind] }, secret: "" },
    };
  const config = Object.fromEntries(
    Object.entries(t.config).map(([k, v]) => [
      k,
      v === null ? "" : typeof v === "number" ? String(v) : v,
    ]),
  );
  return {
    id: t.id,
    target: { kind: t.kind, name: t.name, disabled: t.disabled, config, secret: undefined },
  };
}

/** The Targets page: the list, and one form to add or edit a target. */
export function TargetsManager({ initial }: { initial: TargetListItem[] }) {
  const router = useRouter();
  const confirm = useConfirm();
  const notify = useToast();
  const [editing, setEditing] = useState<TargetListItem | null | "new">(null);
  const [results, setResults] = useState<Record<string, Status>>({});
  const [busy, setBusy] = useState<string | null>(null);

  const test = async (t: TargetListItem) => {
    setBusy(`test:${t.id}`);
    setResults((r) => ({ ...r, [t.id]: { kind: "ok", text: "Testing…" } }));
    try {
      const result = await testTargetAction({ id: t.id });
      const status: Status = !result.ok
        ? { kind: "error", text: result.message }
        : { kind: result.data.ok ? "ok" : "error", text: result.data.message };
      setResults((r) => ({ ...r, [t.id]: status }));
    } finally {
      setBusy(null);
    }
  };
  const remove = async (t: TargetListItem) => {
    const yes = await confirm({
      title: `Remove the target "${t.name}"?`,
      description:
        "Exports already written there stay where they are, but Custodian no longer downloads, verifies or deletes them.",
      confirmLabel: "Remove target",
      cancelLabel: "Keep it",
      destructive: true,
    });
    if (!yes) return;
    const result = await removeTargetAction({ id: t.id });
    notify(result.ok ? "ok" : "error", result.ok ? `Removed "${t.name}".` : result.message);
    router.refresh();
  };
  const toggle = async (t: TargetListItem) => {
    const { id: _id, ...rest } = toForm(t);
    const result = await saveTargetAction({
      id: t.id,
      target: { ...rest.target, disabled: !t.disabled },
    });
    notify(
      result.ok ? "ok" : "error",
      result.ok ? `${t.disabled ? "Enabled" : "Disabled"} "${t.name}".` : result.message,
    );
    router.refresh();
  };

  return (
    <>
      <div className="card">
        <div className="page-header">
          <h2>Export targets</h2>
          <button type="button" onClick={() => setEditing("new")} disabled={editing !== null}>
            Add target
          </button>
        </div>
        <div className="table-scroll">
          <table className="stack" aria-label="Export targets">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Destination</th>
                <th scope="col">Retention</th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {initial.map((t) => (
                <tr key={t.id} data-target={t.name}>
                  <td data-label="Name">
                    {t.name}
                    {t.builtIn ? <span className="muted"> (built in)</span> : null}
                  </td>
                  <td data-label="Kind">{TARGET_KIND_LABELS[t.kind]}</td>
                  <td data-label="Destination" className="mono mono-break">
                    {t.destination}
                  </td>
                  <td data-label="Retention">
                    {t.kind === "smtp"
                      ? "—"
                      : t.retentionDays === null
                        ? "Kept (bucket rules)"
                        : `${t.retentionDays} days`}
                  </td>
                  <td data-label="Status">
                    {t.disabled ? "Disabled" : "Enabled"}
                    {t.inUse ? <div className="muted small-text">In use: {t.inUse}</div> : null}
                    {t.kind !== "local" && !t.secretSet ? (
                      <div className="muted small-text">
                        No {SECRET_LABEL[t.kind].toLowerCase()} set
                      </div>
                    ) : null}
                    <StatusMessage status={results[t.id]} />
                  </td>
                  <td data-label="Actions">
                    <div className="inline">
                      <button
                        type="button"
                        className="secondary"
                        onClick={() => setEditing(t)}
                        disabled={editing !== null}
                        aria-label={`Edit ${t.name}`}
                      >
                        Edit
                      </button>
                      <button
                        type="button"
                        className="secondary"
                        onClick={() => test(t)}
                        disabled={busy !== null}
                        aria-label={`Test connection of ${t.name}`}
                      >
                        Test connection
                      </button>
                      <button
                        type="button"
                        className="secondary"
                        onClick={() => toggle(t)}
                        aria-label={`${t.disabled ? "Enable" : "Disable"} ${t.name}`}
                      >
                        {t.disabled ? "Enable" : "Disable"}
                      </button>
                      {!t.builtIn && (
                        <button
                          type="button"
                          className="danger"
                          onClick={() => remove(t)}
                          aria-label={`Remove ${t.name}`}
                        >
                          Remove
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
        <TargetForm
          key={editing === "new" ? "new" : editing.id}
          existing={editing === "new" ? null : editing}
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

function TargetForm({
  existing,
  onDone,
}: {
  existing: TargetListItem | null;
  onDone: (message?: string) => void;
}) {
  const [replacing, setReplacing] = useState(!existing?.secretSet);
  const [status, setStatus] = useState<Status>();
  const form = useForm<FormValues>({
    resolver: zodResolver(ZTargetSave) as never,
    defaultValues: toForm(existing),
    mode: "onTouched",
  });
  const { register, handleSubmit, watch, setError, reset, formState } = form;
  const kind = watch("target.kind");
  const values = watch("target");
  const errors = formState.errors as Record<string, unknown>;
  const err = (path: string) =>
    (
      path
        .split(".")
        .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], errors) as
        { message?: string } | undefined
    )?.message;
  const control = (name: string) => ({
    id: name,
    "aria-invalid": !!err(name),
    "aria-describedby": `${name}-help ${name}-error`,
  });
  const c = (name: string) => `target.config.${name}` as FieldPath<FormValues>;

  // The stored secret belongs to the endpoint it was entered for: say before saving that it goes.
  let secretWillClear = false;
  if (existing && existing.secretSet && !replacing && kind !== "local") {
    try {
      const cfg = {
        ...values.config,
        CustomSMTPPort: Number(values.config.CustomSMTPPort),
        region: values.config.region || "us-east-1",
      };
      secretWillClear =
        JSON.stringify(secretEndpointOf(kind, cfg)) !==
        JSON.stringify(
          secretEndpointOf(kind, {
            ...existing.config,
            region: (existing.config as { region?: string }).region || "us-east-1",
          }),
        );
    } catch {
      secretWillClear = false;
    }
  }

  const save = async (v: FormValues) => {
    setStatus(undefined);
    const target = {
      ...v.target,
      ...(kind === "local"
        ? { secret: undefined }
        : { secret: replacing ? (v.target.secret ?? "") : undefined }),
    };
    const result = await saveTargetAction({ id: existing?.id, target });
    if (result.ok) {
      onDone(
        result.data.secretCleared
          ? `Saved "${result.data.target.name}". The stored ${SECRET_LABEL[kind].toLowerCase()} was cleared because its endpoint changed; enter it again.`
          : `Saved "${result.data.target.name}".`,
      );
      return;
    }
    for (const [field, message] of Object.entries(result.fieldErrors))
      setError((field.startsWith("target.") ? field : `target.${field}`) as FieldPath<FormValues>, {
        message,
      });
    setStatus({ kind: "error", text: result.message });
  };

  return (
    <form
      className="card"
      aria-label={existing ? `Edit ${existing.name}` : "Add a target"}
      noValidate
      onSubmit={handleSubmit(save, () => save(form.getValues()))}
    >
      <h2>{existing ? `Edit "${existing.name}"` : "Add a target"}</h2>
      <Field label="Kind:" htmlFor="target.kind" name="target.kind" error={err("target.kind")}>
        <select
          {...register("target.kind", {
            onChange: (e) => reset(toForm(null, e.target.value as TargetKindName)),
          })}
          {...control("target.kind")}
          disabled={!!existing}
        >
          {TARGET_KINDS.map((k) => (
            <option key={k} value={k}>
              {TARGET_KIND_LABELS[k]}
            </option>
          ))}
        </select>
      </Field>
      <Field
        label="Name:"
        htmlFor="target.name"
        name="target.name"
        error={err("target.name")}
        help="Unique; `config set Destination <name>` and `target test <name>` use it."
      >
        <input
          type="text"
          autoComplete="off"
          {...register("target.name")}
          {...control("target.name")}
        />
      </Field>

      {kind === "local" && (
        <Field
          label="Directory:"
          htmlFor={c("path")}
          name={c("path")}
          error={err(c("path"))}
          help="An absolute path on the machine that runs the export worker."
        >
          <input
            type="text"
            autoComplete="off"
            placeholder="/srv/custodian/exports"
            {...register(c("path"))}
            {...control(c("path"))}
          />
        </Field>
      )}

      {kind === "s3" && (
        <>
          <Field
            label="Endpoint:"
            htmlFor={c("endpoint")}
            name={c("endpoint")}
            error={err(c("endpoint"))}
            help="Leave empty for AWS; the server's URL for MinIO, Ceph and other S3-compatible servers."
          >
            <input
              type="url"
              autoComplete="off"
              placeholder="https://minio.example.com:9000"
              {...register(c("endpoint"))}
              {...control(c("endpoint"))}
            />
          </Field>
          <Field label="Region:" htmlFor={c("region")} name={c("region")} error={err(c("region"))}>
            <input
              type="text"
              autoComplete="off"
              placeholder="us-east-1"
              {...register(c("region"))}
              {...control(c("region"))}
            />
          </Field>
          <Field label="Bucket:" htmlFor={c("bucket")} name={c("bucket")} error={err(c("bucket"))}>
            <input
              type="text"
              autoComplete="off"
              {...register(c("bucket"))}
              {...control(c("bucket"))}
            />
          </Field>
          <Field
            label="Key prefix:"
            htmlFor={c("prefix")}
            name={c("prefix")}
            error={err(c("prefix"))}
            help="Exports go under <prefix><export directory>/."
          >
            <input
              type="text"
              autoComplete="off"
              placeholder="custodian/"
              {...register(c("prefix"))}
              {...control(c("prefix"))}
            />
          </Field>
          <Field
            label="Access key id:"
            htmlFor={c("accessKeyId")}
            name={c("accessKeyId")}
            error={err(c("accessKeyId"))}
          >
            <input
              type="text"
              autoComplete="off"
              {...register(c("accessKeyId"))}
              {...control(c("accessKeyId"))}
            />
          </Field>
          <Field
            label="Path-style addressing:"
            htmlFor={c("forcePathStyle")}
            name={c("forcePathStyle")}
            error={err(c("forcePathStyle"))}
            help="Most MinIO and Ceph set-ups need it."
          >
            <input
              type="checkbox"
              {...register(c("forcePathStyle"))}
              {...control(c("forcePathStyle"))}
            />
          </Field>
          <Field
            label="Server-side encryption:"
            htmlFor={c("sse")}
            name={c("sse")}
            error={err(c("sse"))}
          >
            <select {...register(c("sse"))} {...control(c("sse"))}>
              {SSE_MODES.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </Field>
          {values.config.sse === "aws:kms" && (
            <Field
              label="KMS key id:"
              htmlFor={c("kmsKeyId")}
              name={c("kmsKeyId")}
              error={err(c("kmsKeyId"))}
            >
              <input
                type="text"
                autoComplete="off"
                {...register(c("kmsKeyId"))}
                {...control(c("kmsKeyId"))}
              />
            </Field>
          )}
          <Field
            label="Storage class:"
            htmlFor={c("storageClass")}
            name={c("storageClass")}
            error={err(c("storageClass"))}
            help="Empty: the bucket's default (e.g. STANDARD_IA, GLACIER_IR)."
          >
            <input
              type="text"
              autoComplete="off"
              {...register(c("storageClass"))}
              {...control(c("storageClass"))}
            />
          </Field>
          <Field
            label="Object Lock:"
            htmlFor={c("objectLock")}
            name={c("objectLock")}
            error={err(c("objectLock"))}
            help="The bucket has S3 Object Lock: a legal hold is also set on the objects."
          >
            <input type="checkbox" {...register(c("objectLock"))} {...control(c("objectLock"))} />
          </Field>
          {values.config.objectLock === true && (
            <>
              <Field
                label="Object Lock mode:"
                htmlFor={c("objectLockMode")}
                name={c("objectLockMode")}
                error={err(c("objectLockMode"))}
              >
                <select {...register(c("objectLockMode"))} {...control(c("objectLockMode"))}>
                  {OBJECT_LOCK_MODES.map((m) => (
                    <option key={m} value={m}>
                      {m}
                    </option>
                  ))}
                </select>
              </Field>
              <Field
                label="Object Lock retention (days):"
                htmlFor={c("objectLockRetentionDays")}
                name={c("objectLockRetentionDays")}
                error={err(c("objectLockRetentionDays"))}
                help="Empty: the bucket's default retention."
              >
                <input
                  type="text"
                  inputMode="numeric"
                  autoComplete="off"
                  {...register(c("objectLockRetentionDays"))}
                  {...control(c("objectLockRetentionDays"))}
                />
              </Field>
            </>
          )}
          <Field
            label="Delete after (days):"
            htmlFor={c("deleteAfterDays")}
            name={c("deleteAfterDays")}
            error={err(c("deleteAfterDays"))}
            help="Custodian deletes an export's objects this many days after it finished. Empty: never (the bucket's lifecycle or Object Lock governs)."
          >
            <input
              type="text"
              inputMode="numeric"
              autoComplete="off"
              {...register(c("deleteAfterDays"))}
              {...control(c("deleteAfterDays"))}
            />
          </Field>
        </>
      )}

      {kind === "smtp" && (
        <>
          <Field
            label="Customer type:"
            htmlFor={c("CustomerType")}
            name={c("CustomerType")}
            error={err(c("CustomerType"))}
            help="Global Relay A9 or A10, or Custom for Proofpoint and any other archive address."
          >
            <select {...register(c("CustomerType"))} {...control(c("CustomerType"))}>
              {CUSTOMER_TYPES.map((t) => (
                <option key={t} value={t}>
                  {CUSTOMER_TYPE_LABELS[t]}
                </option>
              ))}
            </select>
          </Field>
          <Field
            label="Archive address:"
            htmlFor={c("EmailAddress")}
            name={c("EmailAddress")}
            error={err(c("EmailAddress"))}
          >
            <input
              type="email"
              autoComplete="off"
              {...register(c("EmailAddress"))}
              {...control(c("EmailAddress"))}
            />
          </Field>
          <Field
            label="SMTP username:"
            htmlFor={c("SMTPUsername")}
            name={c("SMTPUsername")}
            error={err(c("SMTPUsername"))}
          >
            <input
              type="text"
              autoComplete="off"
              {...register(c("SMTPUsername"))}
              {...control(c("SMTPUsername"))}
            />
          </Field>
          {values.config.CustomerType === "CUSTOM" && (
            <>
              <Field
                label="SMTP server:"
                htmlFor={c("CustomSMTPServerName")}
                name={c("CustomSMTPServerName")}
                error={err(c("CustomSMTPServerName"))}
              >
                <input
                  type="text"
                  autoComplete="off"
                  {...register(c("CustomSMTPServerName"))}
                  {...control(c("CustomSMTPServerName"))}
                />
              </Field>
              <Field
                label="SMTP port:"
                htmlFor={c("CustomSMTPPort")}
                name={c("CustomSMTPPort")}
                error={err(c("CustomSMTPPort"))}
              >
                <input
                  type="text"
                  inputMode="numeric"
                  autoComplete="off"
                  {...register(c("CustomSMTPPort"))}
                  {...control(c("CustomSMTPPort"))}
                />
              </Field>
              <Field
                label="Allow plain SMTP:"
                htmlFor={c("AllowPlainSMTP")}
                name={c("AllowPlainSMTP")}
                error={err(c("AllowPlainSMTP"))}
                help="Only for a private relay without STARTTLS."
              >
                <input
                  type="checkbox"
                  {...register(c("AllowPlainSMTP"))}
                  {...control(c("AllowPlainSMTP"))}
                />
              </Field>
            </>
          )}
          <Field
            label="Timeout (seconds):"
            htmlFor={c("SMTPServerTimeout")}
            name={c("SMTPServerTimeout")}
            error={err(c("SMTPServerTimeout"))}
          >
            <input
              type="text"
              inputMode="numeric"
              autoComplete="off"
              {...register(c("SMTPServerTimeout"))}
              {...control(c("SMTPServerTimeout"))}
            />
          </Field>
        </>
      )}

      {kind !== "local" && (
        <Field
          label={`${SECRET_LABEL[kind]}:`}
          htmlFor="target.secret"
          name="target.secret"
          error={err("target.secret")}
          help={`Write-only: stored encrypted and never shown again. It belongs to the ${kind === "s3" ? "endpoint, region, bucket, access key id and addressing style" : "customer type, server, port, plain-SMTP setting and username"} it was entered for: changing any of them clears it unless you enter it again.`}
        >
          {replacing ? (
            <div className="inline">
              <input
                type="password"
                autoComplete="new-password"
                {...register("target.secret")}
                {...control("target.secret")}
              />
              {existing?.secretSet && (
                <button type="button" className="link" onClick={() => setReplacing(false)}>
                  Keep the current secret
                </button>
              )}
            </div>
          ) : (
            <div className="inline">
              <span>A secret is set.</span>
              <button type="button" className="secondary" onClick={() => setReplacing(true)}>
                Replace secret
              </button>
            </div>
          )}
          {secretWillClear && (
            <p className="status-error" role="alert">
              The endpoint changed: the stored {SECRET_LABEL[kind].toLowerCase()} will be cleared
              when you save. Enter it again with Replace secret.
            </p>
          )}
        </Field>
      )}

      <Field
        label="Disabled:"
        htmlFor="target.disabled"
        name="target.disabled"
        error={err("target.disabled")}
        help="A disabled target takes no new exports; finished ones stay downloadable."
      >
        <input type="checkbox" {...register("target.disabled")} {...control("target.disabled")} />
      </Field>

      <StatusMessage status={status} />
      <div className="inline">
        <button type="submit" disabled={formState.isSubmitting}>
          {formState.isSubmitting ? "Saving…" : existing ? "Save target" : "Add target"}
        </button>
        <button type="button" className="secondary" onClick={() => onDone()}>
          Cancel
        </button>
      </div>
    </form>
  );
}
