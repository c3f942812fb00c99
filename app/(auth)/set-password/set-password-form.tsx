"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { ZSetPasswordInput, type TSetPasswordInput } from "@/lib/admins/schema.ts";
import { FieldError } from "@/components/forms/field-error.tsx";
import { setPasswordAction } from "./actions.ts";

export function SetPasswordForm({ token }: { token: string }) {
  const router = useRouter();
  const [formError, setFormError] = useState<string>();
  const { register, handleSubmit, formState } = useForm<TSetPasswordInput>({ resolver: zodResolver(ZSetPasswordInput), defaultValues: { token } });
  const { errors, isSubmitting } = formState;
  const onSubmit = handleSubmit(async (values) => {
    const result = await setPasswordAction(values);
    if (result.ok) return router.replace("/login");
    setFormError(result.message);
  });
  return (
    <form onSubmit={onSubmit} noValidate>
      {formError && <div className="alert alert-error" role="alert">{formError}</div>}
      <input type="hidden" {...register("token")} />
      <div className="field">
        <label htmlFor="password">New password</label>
        <input id="password" type="password" autoComplete="new-password" aria-invalid={!!errors.password} aria-describedby="password-error" {...register("password")} />
        <FieldError id="password-error" message={errors.password?.message} />
      </div>
      <div className="field">
        <label htmlFor="confirmPassword">Confirm password</label>
        <input id="confirmPassword" type="password" autoComplete="new-password" aria-invalid={!!errors.confirmPassword} aria-describedby="confirm-error" {...register("confirmPassword")} />
        <FieldError id="confirm-error" message={errors.confirmPassword?.message} />
      </div>
      <button type="submit" disabled={isSubmitting}>Set password</button>
    </form>
  );
}
