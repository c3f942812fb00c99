"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { ZChangePasswordInput, type TChangePasswordInput } from "@/lib/admins/schema.ts";
import { FieldError } from "@/components/forms/field-error.tsx";
import { changePasswordAction } from "./actions.ts";

export function ChangePasswordForm() {
  const [status, setStatus] = useState<{ kind: "ok" | "error"; text: string }>();
  const { register, handleSubmit, setError, reset, formState } = useForm<TChangePasswordInput>({ resolver: zodResolver(ZChangePasswordInput), defaultValues: { endOtherSessions: true } });
  const { errors, isSubmitting } = formState;
  const onSubmit = handleSubmit(async (values) => {
    const result = await changePasswordAction(values);
    if (result.ok) {
      reset({ currentPassword: "", password: "", confirmPassword: "", endOtherSessions: true });
      return setStatus({ kind: "ok", text: `Password changed.${result.data.sessionsEnded ? ` ${result.data.sessionsEnded} other session(s) ended.` : ""}` });
    }
    for (const [f, m] of Object.entries(result.fieldErrors)) setError(f as keyof TChangePasswordInput, { message: m });
    setStatus({ kind: "error", text: result.message });
  });
  return (
    <form className="card" onSubmit={onSubmit} noValidate aria-label="Change password">
      <div className="field">
        <label htmlFor="currentPassword">Current password</label>
        <input id="currentPassword" type="password" autoComplete="current-password" aria-invalid={!!errors.currentPassword} aria-describedby="current-error" {...register("currentPassword")} />
        <FieldError id="current-error" message={errors.currentPassword?.message} />
      </div>
      <div className="field">
        <label htmlFor="password">New password</label>
        <input id="password" type="password" autoComplete="new-password" aria-invalid={!!errors.password} aria-describedby="password-error" {...register("password")} />
        <FieldError id="password-error" message={errors.password?.message} />
      </div>
      <div className="field">
        <label htmlFor="confirmPassword">Confirm new password</label>
        <input id="confirmPassword" type="password" autoComplete="new-password" aria-invalid={!!errors.confirmPassword} aria-describedby="confirm-error" {...register("confirmPassword")} />
        <FieldError id="confirm-error" message={errors.confirmPassword?.message} />
      </div>
      <label className="radio"><input type="checkbox" {...register("endOtherSessions")} /> Sign out my other sessions</label>
      <div style={{ marginTop: 16 }}>
        <button type="submit" disabled={isSubmitting}>Change password</button>
        {status && <span role="status" className={status.kind === "ok" ? "status-ok" : "status-error"} style={{ marginLeft: 12 }}>{status.text}</span>}
      </div>
    </form>
  );
}
