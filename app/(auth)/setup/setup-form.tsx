"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { ZSetupInput, type TSetupInput } from "@/lib/auth/schema.ts";
import { FieldError } from "@/components/forms/field-error.tsx";
import { createOwnerAction } from "./actions.ts";

export function SetupForm() {
  const router = useRouter();
  const [formError, setFormError] = useState<string>();
  const { register, handleSubmit, setError, formState } = useForm<TSetupInput>({ resolver: zodResolver(ZSetupInput), mode: "onTouched" });
  const { errors, isSubmitting } = formState;

  const onSubmit = handleSubmit(async (values) => {
    setFormError(undefined);
    const result = await createOwnerAction(values);
    if (result.ok) {
      router.replace("/compliance-export");
      router.refresh();
      return;
    }
    for (const [field, message] of Object.entries(result.fieldErrors)) setError(field as keyof TSetupInput, { message });
    setFormError(result.message);
  });

  return (
    <form onSubmit={onSubmit} noValidate>
      {formError && <div className="alert alert-error" role="alert">{formError}</div>}
      <div className="field">
        <label htmlFor="email">Email</label>
        <input id="email" type="email" autoComplete="username" aria-invalid={!!errors.email} aria-describedby="email-error" {...register("email")} />
        <FieldError id="email-error" message={errors.email?.message} />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input id="password" type="password" autoComplete="new-password" aria-invalid={!!errors.password} aria-describedby="password-help password-error" {...register("password")} />
        <p className="help" id="password-help">At least 12 characters.</p>
        <FieldError id="password-error" message={errors.password?.message} />
      </div>
      <div className="field">
        <label htmlFor="confirmPassword">Confirm password</label>
        <input id="confirmPassword" type="password" autoComplete="new-password" aria-invalid={!!errors.confirmPassword} aria-describedby="confirm-error" {...register("confirmPassword")} />
        <FieldError id="confirm-error" message={errors.confirmPassword?.message} />
      </div>
      <button type="submit" disabled={isSubmitting}>{isSubmitting ? "Creating…" : "Create owner account"}</button>
    </form>
  );
}
