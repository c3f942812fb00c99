"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { ZChangePasswordInput, type TChangePasswordInput } from "@/lib/admins/schema.ts";
import { TextField } from "@/components/forms/text-field.tsx";
import { changePasswordAction } from "./actions.ts";

export function ChangePasswordForm() {
  const [status, setStatus] = useState<{ kind: "ok" | "error"; text: string }>();
  const { register, handleSubmit, setError, reset, formState } = useForm<TChangePasswordInput>({
    resolver: zodResolver(ZChangePasswordInput),
    defaultValues: { endOtherSessions: true },
  });
  const { errors, isSubmitting } = formState;
  const onSubmit = handleSubmit(async (values) => {
    const result = await changePasswordAction(values);
    if (result.ok) {
      reset({ currentPassword: "", password: "", confirmPassword: "", endOtherSessions: true });
      return setStatus({
        kind: "ok",
        text: `Password changed.${result.data.sessionsEnded ? ` ${result.data.sessionsEnded} other session(s) ended.` : ""}`,
      });
    }
    for (const [f, m] of Object.entries(result.fieldErrors))
      setError(f as keyof TChangePasswordInput, { message: m });
    setStatus({ kind: "error", text: result.message });
  });
  return (
    <form
      method="post"
      className="card"
      onSubmit={onSubmit}
      noValidate
      aria-label="Change password"
    >
      <TextField
        id="currentPassword"
        label="Current password"
        type="password"
        autoComplete="current-password"
        error={errors.currentPassword?.message}
        registration={register("currentPassword")}
      />
      <TextField
        id="password"
        label="New password"
        type="password"
        autoComplete="new-password"
        help="At least 12 characters."
        error={errors.password?.message}
        registration={register("password")}
      />
      <TextField
        id="confirmPassword"
        label="Confirm new password"
        type="password"
        autoComplete="new-password"
        error={errors.confirmPassword?.message}
        registration={register("confirmPassword")}
      />
      <label className="radio">
        <input type="checkbox" {...register("endOtherSessions")} /> Sign out my other sessions
      </label>
      <div style={{ marginTop: 16 }}>
        <button type="submit" disabled={isSubmitting}>
          Change password
        </button>
        {status && (
          <span
            role="status"
            className={status.kind === "ok" ? "status-ok" : "status-error"}
            style={{ marginLeft: 12 }}
          >
            {status.text}
          </span>
        )}
      </div>
    </form>
  );
}
