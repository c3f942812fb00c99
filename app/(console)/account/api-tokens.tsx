"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { ZApiTokenInput } from "@/lib/auth/api-token-schema.ts";
import type { ApiTokenView } from "@/lib/auth/list-api-tokens.ts";
import { FieldError } from "@/components/forms/field-error.tsx";
import { formatTime } from "@/components/jobs/format-time.ts";
import { CopyButton } from "@/components/ui/copy-button.tsx";
import { useConfirm } from "@/components/ui/dialog.tsx";
import { RelativeTime } from "@/components/ui/relative-time.tsx";
import { useToast } from "@/components/ui/toast.tsx";
import { createApiTokenAction, revokeApiTokenAction } from "./api-token-actions.ts";

type Input = z.input<typeof ZApiTokenInput>;

export function ApiTokens({ tokens }: { tokens: ApiTokenView[] }) {
  const router = useRouter();
  const [created, setCreated] = useState<{ name: string; token: string; expiresAt: number }>();
  const [error, setError] = useState<string>();
  const { register, handleSubmit, reset, formState } = useForm<
    Input,
    unknown,
    z.output<typeof ZApiTokenInput>
  >({ resolver: zodResolver(ZApiTokenInput), defaultValues: { name: "", expiresInDays: "90" } });

  const onCreate = handleSubmit(async (values) => {
    setError(undefined);
    const result = await createApiTokenAction(values);
    if (!result.ok) return setError(result.message);
    setCreated(result.data);
    reset({ name: "", expiresInDays: "90" });
    router.refresh();
  });
  const confirm = useConfirm();
  const notify = useToast();
  const revoke = async (token: ApiTokenView) => {
    const yes = await confirm({
      title: `Revoke the API token "${token.name}"?`,
      description: "Scripts that send it are refused from now on. This cannot be undone.",
      confirmLabel: "Revoke token",
      destructive: true,
    });
    if (!yes) return;
    const result = await revokeApiTokenAction({ tokenId: token.id });
    notify(
      result.ok ? "ok" : "error",
      result.ok ? `API token "${token.name}" revoked.` : result.message,
    );
    router.refresh();
  };

  return (
    <section aria-labelledby="api-tokens-heading">
      <h2 id="api-tokens-heading">API tokens</h2>
      <p>
        For scripts: send <code>Authorization: Bearer &lt;token&gt;</code> to the{" "}
        <code>/api/v1</code> routes (see <code>/api/v1/openapi.json</code>). A token acts with your
        rights as they are at each call, never more.
      </p>
      <form
        method="post"
        onSubmit={onCreate}
        className="card"
        noValidate
        aria-label="Create an API token"
      >
        <div className="field">
          <label htmlFor="api-token-name">Token name</label>
          <input
            id="api-token-name"
            type="text"
            aria-invalid={!!formState.errors.name}
            aria-describedby="api-token-name-error"
            {...register("name")}
          />
          <FieldError id="api-token-name-error" message={formState.errors.name?.message} />
        </div>
        <div className="field">
          <label htmlFor="api-token-expiry">Expires after</label>
          <select id="api-token-expiry" {...register("expiresInDays")}>
            <option value="30">30 days</option>
            <option value="90">90 days</option>
            <option value="180">180 days</option>
            <option value="365">365 days</option>
          </select>
        </div>
        <button type="submit" disabled={formState.isSubmitting}>
          Create API token
        </button>
        {error && (
          <p role="alert" className="status-error">
            {error}
          </p>
        )}
        {created && (
          <div className="alert alert-ok" role="status">
            <p>
              Token <strong>{created.name}</strong> created, valid until{" "}
              {formatTime(created.expiresAt)}. Copy it now; it will not be shown again.
            </p>
            <p className="token-once mono">{created.token}</p>
            <CopyButton value={created.token} label="Copy token" />
          </div>
        )}
      </form>
      <section className="card" aria-label="Your API tokens">
        <table className="stack">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
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
                <td data-label="Expires">
                  <RelativeTime ms={t.expiresAt} />
                </td>
                <td data-label="Last used">
                  {t.lastUsedAt === null ? "Never" : <RelativeTime ms={t.lastUsedAt} />}
                </td>
                <td data-label="State">
                  {t.status === "revoked" ? (
                    <>
                      Revoked <RelativeTime ms={t.revokedAt} />
                    </>
                  ) : t.status === "expired" ? (
                    "Expired"
                  ) : (
                    <button type="button" className="link" onClick={() => revoke(t)}>
                      Revoke {t.name}
                    </button>
                  )}
                </td>
              </tr>
            ))}
            {tokens.length === 0 && (
              <tr>
                <td colSpan={5} data-label="">
                  No API tokens yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </section>
    </section>
  );
}
