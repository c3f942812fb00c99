"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { ZCreateIngestTokenInput } from "@/lib/ingest/token-schema.ts";
import { FieldError } from "@/components/forms/field-error.tsx";
import { CopyButton } from "@/components/ui/copy-button.tsx";
import { useConfirm } from "@/components/ui/dialog.tsx";
import { RelativeTime } from "@/components/ui/relative-time.tsx";
import { StatusMessage } from "@/components/ui/status-message.tsx";
import { useToast } from "@/components/ui/toast.tsx";
import { useActionForm } from "@/components/ui/use-action-form.ts";
import { createIngestTokenAction, revokeIngestTokenAction } from "./actions.ts";

type TokenRow = {
  id: string;
  name: string;
  createdAt: number;
  createdBy: string;
  lastUsedAt: number | null;
  revokedAt: number | null;
};

export function IngestTokens({ tokens }: { tokens: TokenRow[] }) {
  const router = useRouter();
  const [created, setCreated] = useState<{ name: string; token: string }>();
  const {
    form,
    onSubmit: onCreate,
    status,
  } = useActionForm({
    schema: ZCreateIngestTokenInput,
    defaultValues: { name: "" },
    action: createIngestTokenAction,
    onSuccess: (data: { name: string; token: string }) => {
      setCreated({ name: data.name, token: data.token });
      form.reset({ name: "" });
      router.refresh();
      return null; // the token is shown in the form, once
    },
  });
  const { register, formState } = form;
  const confirm = useConfirm();
  const notify = useToast();
  const revoke = async (token: TokenRow) => {
    const yes = await confirm({
      title: `Revoke the token "${token.name}"?`,
      description:
        "Every request that sends this token is refused from now on. This cannot be undone; create a new token to replace it.",
      confirmLabel: "Revoke token",
      destructive: true,
    });
    if (!yes) return;
    const result = await revokeIngestTokenAction({ tokenId: token.id });
    notify(
      result.ok ? "ok" : "error",
      result.ok ? `Token "${token.name}" revoked.` : result.message,
    );
    router.refresh();
  };

  return (
    <>
      <form
        method="post"
        onSubmit={onCreate}
        className="card"
        noValidate
        aria-label="Create an ingest token"
      >
        <div className="field">
          <label htmlFor="name">Token name</label>
          <input
            id="name"
            type="text"
            aria-invalid={!!formState.errors.name}
            aria-describedby="name-error"
            {...register("name")}
          />
          <FieldError id="name-error" message={formState.errors.name?.message} />
        </div>
        <button type="submit" disabled={formState.isSubmitting}>
          Create token
        </button>
        <StatusMessage status={status} />
        {created && (
          <div className="alert alert-ok" role="status">
            <p>
              Token <strong>{created.name}</strong> created. Copy it now; it will not be shown
              again.
            </p>
            <p className="token-once mono">{created.token}</p>
            <CopyButton value={created.token} label="Copy token" />
          </div>
        )}
      </form>
      <section className="card" aria-label="Tokens">
        <div className="table-scroll">
          <table className="stack">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Created</th>
                <th scope="col">By</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id}>
                  <td data-label="Name">{t.name}</td>
                  <td data-label="Created">
                    <RelativeTime ms={t.createdAt} />
                  </td>
                  <td data-label="By" className="mono-break">
                    {t.createdBy}
                  </td>
                  <td data-label="Last used">
                    {t.lastUsedAt === null ? "Never" : <RelativeTime ms={t.lastUsedAt} />}
                  </td>
                  <td data-label="State">
                    {t.revokedAt ? (
                      <>
                        Revoked <RelativeTime ms={t.revokedAt} />
                      </>
                    ) : (
                      <button type="button" className="link" onClick={() => revoke(t)}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
              {tokens.length === 0 && (
                <tr>
                  <td colSpan={5} data-label="">
                    No tokens yet.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
