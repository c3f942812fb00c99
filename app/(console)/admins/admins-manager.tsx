"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { AdminView } from "@/lib/admins/list-admins.ts";
import { ZAddAdminInput, type TAddAdminInput } from "@/lib/admins/schema.ts";
import { RIGHT_LABELS, RIGHTS, type Right } from "@/lib/auth/rights.ts";
import { FieldError } from "@/components/forms/field-error.tsx";
import { CopyButton } from "@/components/ui/copy-button.tsx";
import { useConfirm } from "@/components/ui/dialog.tsx";
import { StatusMessage } from "@/components/ui/status-message.tsx";
import { useToast } from "@/components/ui/toast.tsx";
import {
  addAdminAction,
  deactivateAdminAction,
  endSessionsAction,
  reactivateAdminAction,
  reissuePasswordLinkAction,
  removeAdminAction,
  updateRightsAction,
} from "./actions.ts";

const SHORT: Record<Right, string> = {
  configure: "Configure",
  request: "Request",
  download: "Download",
  audit: "Audit",
  manage_admins: "Manage admins",
};

export function AdminsManager({
  admins,
  currentUserId,
  isOwner,
}: {
  admins: AdminView[];
  currentUserId: string;
  isOwner: boolean;
}) {
  const router = useRouter();
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string }>();
  const [link, setLink] = useState<{ email: string; url: string }>();
  const form = useForm<TAddAdminInput>({
    resolver: zodResolver(ZAddAdminInput),
    defaultValues: { email: "", rights: [] },
  });

  const notify = useToast();
  // Row actions answer with a toast; the add form keeps its refusal beside the form.
  const after = (result: { ok: boolean; message?: string }, ok: string) => {
    notify(result.ok ? "ok" : "error", result.ok ? ok : (result.message ?? "Refused."));
    router.refresh();
  };
  const onAdd = form.handleSubmit(async (values) => {
    const result = await addAdminAction(values);
    if (!result.ok) {
      for (const [f, m] of Object.entries(result.fieldErrors))
        form.setError(f as "email", { message: m });
      return setMessage({ kind: "error", text: result.message });
    }
    setMessage(undefined);
    const token = result.data.token;
    setLink(
      token
        ? { email: values.email, url: `${window.location.origin}/set-password?token=${token}` }
        : undefined,
    );
    form.reset({ email: "", rights: [] });
    after(
      result,
      result.data.emailed
        ? `Added ${values.email}; an invitation with their set-password link was emailed.`
        : `Added ${values.email}. The link was not emailed: ${result.data.notEmailedBecause}.`,
    );
  });

  return (
    <>
      <section className="card" aria-labelledby="admins-heading">
        <h2 id="admins-heading" style={{ fontSize: 18, marginTop: 0 }}>
          Admins and rights
        </h2>
        <div className="table-scroll">
          <table className="stack admins-table">
            <thead>
              <tr>
                <th scope="col">Admin</th>
                {RIGHTS.map((r) => (
                  <th scope="col" key={r} title={RIGHT_LABELS[r]}>
                    {SHORT[r]}
                  </th>
                ))}
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {admins.map((a) => (
                <AdminRow
                  key={a.id}
                  admin={a}
                  self={a.id === currentUserId}
                  isOwner={isOwner}
                  onDone={after}
                  onLink={(email, token) =>
                    setLink({ email, url: `${window.location.origin}/set-password?token=${token}` })
                  }
                />
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <form
        method="post"
        className="card"
        onSubmit={onAdd}
        noValidate
        aria-labelledby="add-heading"
      >
        <h2 id="add-heading" style={{ fontSize: 18, marginTop: 0 }}>
          Add an admin
        </h2>
        <div className="field">
          <label htmlFor="new-email">Email</label>
          <input
            id="new-email"
            type="email"
            aria-invalid={!!form.formState.errors.email}
            aria-describedby="new-email-error"
            {...form.register("email")}
          />
          <FieldError id="new-email-error" message={form.formState.errors.email?.message} />
        </div>
        <fieldset className="field">
          <legend>Rights</legend>
          <div className="inline">
            {RIGHTS.filter((r) => isOwner || r !== "manage_admins").map((r) => (
              <label key={r} className="radio">
                <input type="checkbox" value={r} {...form.register("rights")} />
                {SHORT[r]}
              </label>
            ))}
          </div>
        </fieldset>
        <button type="submit" disabled={form.formState.isSubmitting}>
          Add admin
        </button>
        <StatusMessage status={message} />
        {link && (
          <div className="alert alert-ok" role="status" style={{ marginTop: 16 }}>
            <p>
              Send this one-time link to {link.email}; it lets them set their password and works for
              72 hours. It is shown only now.
            </p>
            <p className="token-once mono">{link.url}</p>
            <CopyButton value={link.url} label="Copy link" />
          </div>
        )}
      </form>
    </>
  );
}

function AdminRow({
  admin,
  self,
  isOwner,
  onDone,
  onLink,
}: {
  admin: AdminView;
  self: boolean;
  isOwner: boolean;
  onDone: (r: { ok: boolean; message?: string }, ok: string) => void;
  onLink: (email: string, token: string) => void;
}) {
  const confirm = useConfirm();
  const [rights, setRights] = useState<Right[]>(admin.rights);
  const dirty = rights.slice().sort().join() !== admin.rights.join();
  // The owner's rights are fixed, nobody edits their own, and only the owner manages a manage_admins admin.
  const locked = admin.isOwner || self;
  const ownersOnly = admin.rights.includes("manage_admins") && !isOwner;
  const toggle = (r: Right) =>
    setRights((cur) => (cur.includes(r) ? cur.filter((x) => x !== r) : [...cur, r]));
  const status = admin.isOwner
    ? "Owner"
    : admin.disabled
      ? "Deactivated"
      : admin.pendingPassword
        ? "Password not set"
        : "Active";
  return (
    <tr data-admin={admin.email}>
      <td data-label="Admin">
        <div>
          {admin.email}
          {self ? " (you)" : ""}
        </div>
        <div className="help">
          {status} · {admin.activeSessions} active session{admin.activeSessions === 1 ? "" : "s"}
        </div>
      </td>
      {RIGHTS.map((r) => (
        <td key={r} data-label={SHORT[r]}>
          <input
            type="checkbox"
            aria-label={`${SHORT[r]} for ${admin.email}`}
            checked={admin.isOwner || rights.includes(r)}
            disabled={locked || ownersOnly || (r === "manage_admins" && !isOwner)}
            onChange={() => toggle(r)}
          />
        </td>
      ))}
      <td data-label="Actions">
        {!admin.isOwner && !ownersOnly && (
          <div className="inline">
            {!self && (
              <button
                type="button"
                className="secondary"
                disabled={!dirty}
                onClick={async () =>
                  onDone(
                    await updateRightsAction({ userId: admin.id, rights }),
                    `Rights of ${admin.email} saved.`,
                  )
                }
              >
                Save rights
              </button>
            )}
            {!self &&
              (admin.disabled ? (
                <button
                  type="button"
                  className="link"
                  onClick={async () =>
                    onDone(
                      await reactivateAdminAction({ userId: admin.id }),
                      `${admin.email} reactivated.`,
                    )
                  }
                >
                  Reactivate
                </button>
              ) : (
                <button
                  type="button"
                  className="link"
                  onClick={async () => {
                    if (
                      await confirm({
                        title: `Deactivate ${admin.email}?`,
                        description:
                          "They are signed out at once and cannot sign in until reactivated. Their rights and history are kept.",
                        confirmLabel: "Deactivate",
                        destructive: true,
                      })
                    )
                      onDone(
                        await deactivateAdminAction({ userId: admin.id }),
                        `${admin.email} deactivated; their sessions ended.`,
                      );
                  }}
                >
                  Deactivate
                </button>
              ))}
            {!self && (
              <button
                type="button"
                className="link"
                onClick={async () => {
                  if (
                    await confirm({
                      title: `Remove ${admin.email}?`,
                      description:
                        "Their account, rights and sessions are deleted. This cannot be undone; the audit log keeps what they did.",
                      confirmLabel: "Remove admin",
                      destructive: true,
                    })
                  )
                    onDone(
                      await removeAdminAction({ userId: admin.id }),
                      `${admin.email} removed.`,
                    );
                }}
              >
                Remove
              </button>
            )}
            {!self && !admin.disabled && (
              <button
                type="button"
                className="link"
                onClick={async () => {
                  const r = await reissuePasswordLinkAction({ userId: admin.id });
                  if (r.ok && r.data.token) onLink(admin.email, r.data.token);
                  onDone(
                    r,
                    r.ok && r.data.emailed
                      ? `A new one-time password link was emailed to ${admin.email}.`
                      : `A new one-time password link for ${admin.email} is shown below (not emailed: ${r.ok ? r.data.notEmailedBecause : ""}).`,
                  );
                }}
              >
                New password link
              </button>
            )}
            {admin.activeSessions > 0 && (
              <button
                type="button"
                className="link"
                onClick={async () =>
                  onDone(
                    await endSessionsAction({ userId: admin.id }),
                    `Sessions of ${admin.email} ended.`,
                  )
                }
              >
                End sessions
              </button>
            )}
          </div>
        )}
      </td>
    </tr>
  );
}
