"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { ZCreateIngestTokenInput, type TCreateIngestTokenInput } from "@/lib/ingest/token-schema.ts";
import { FieldError } from "@/components/forms/field-error.tsx";
import { CopyButton } from "@/components/ui/copy-button.tsx";
import { useConfirm } from "@/components/ui/dialog.tsx";
import { RelativeTime } from "@/components/ui/relative-time.tsx";
import { useToast } from "@/components/ui/toast.tsx";
import { createIngestTokenAction, revokeIngestTokenAction } from "./actions.ts";

type TokenRow = { id: string; name: string; createdAt: number; createdBy: string; lastUsedAt: number | null; revokedAt: number | null };

export function IngestTokens({ tokens }: { tokens: TokenRow[] }) {
  const router = useRouter();
  const [created, setCreated] = useState<{ name: string; token: string }>();
  const [error, setError] = useState<string>();
  const { register, handleSubmit, reset, formState } = useForm<TCreateIngestTokenInput>({ resolver: zodResolver(ZCreateIngestTokenInput) });

  const onCreate = handleSubmit(async (values) => {
    setError(undefined);
    const result = await createIngestTokenAction(values);
    if (!result.ok) return setError(result.message);
    setCreated({ name: result.data.name, token: result.data.token });
    reset({ name: "" });
    router.refresh();
  });
  const confirm = useConfirm();
  const notify = useToast();
  const revoke = async (token: TokenRow) => {
    const yes = await confirm({ title: `Revoke the token "${token.name}"?`, description: "Every request that sends this token is refused from now on. This cannot be undone; create a new token to replace it.", confirmLabel: "Revoke token", destructive: true });
    if (!yes) return;
    const result = await revokeIngestTokenAction({ tokenId: token.id });
    notify(result.ok ? "ok" : "error", result.ok ? `Token "${token.name}" revoked.` : result.message);
    router.refresh();
  };

  return (
    <>
      <form method="post" onSubmit={onCreate} className="card" noValidate aria-label="Create an ingest token">
        <div className="field">
          <label htmlFor="name">Token name</label>
          <input id="name" type="text" aria-invalid={!!formState.errors.name} aria-describedby="name-error" {...register("name")} />
          <FieldError id="name-error" message={formState.errors.name?.message} />
        </div>
        <button type="submit" disabled={formState.isSubmitting}>Create token</button>
        {error && <p role="alert" className="status-error">{error}</p>}
        {created && (
          <div className="alert alert-ok" role="status">
            <p>Token <strong>{created.name}</strong> created. Copy it now; it will not be shown again.</p>
            <p className="token-once mono">{created.token}</p>
            <CopyButton value={created.token} label="Copy token" />
          </div>
        )}
      </form>
      <section className="card" aria-label="Tokens">
        <div className="table-scroll">
        <table className="stack">
          <thead>
            <tr><th scope="col">Name</th><th scope="col">Created</th><th scope="col">By</th><th scope="col">Last used</th><th scope="col">State</th></tr>
          </thead>
          <tbody>
            {tokens.map((t) => (
              <tr key={t.id}>
                <td data-label="Name">{t.name}</td>
                <td data-label="Created"><RelativeTime ms={t.createdAt} /></td>
                <td data-label="By" className="mono-break">{t.createdBy}</td>
                <td data-label="Last used">{t.lastUsedAt === null ? "Never" : <RelativeTime ms={t.lastUsedAt} />}</td>
                <td data-label="State">{t.revokedAt ? <>Revoked <RelativeTime ms={t.revokedAt} /></> : <button type="button" className="link" onClick={() => revoke(t)}>Revoke</button>}</td>
              </tr>
            ))}
            {tokens.length === 0 && <tr><td colSpan={5} data-label="">No tokens yet.</td></tr>}
          </tbody>
        </table>
        </div>
      </section>
    </>
  );
}
