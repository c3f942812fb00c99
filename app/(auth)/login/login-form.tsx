"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { ZLoginInput, type TLoginInput } from "@/lib/auth/schema.ts";
import { FieldError } from "@/components/forms/field-error.tsx";
import { loginAction } from "./actions.ts";

export function LoginForm({ next }: { next: string }) {
  const router = useRouter();
  const [formError, setFormError] = useState<string>();
  const { register, handleSubmit, formState } = useForm<TLoginInput>({ resolver: zodResolver(ZLoginInput) });
  const { errors, isSubmitting } = formState;

  const onSubmit = handleSubmit(async (values) => {
    setFormError(undefined);
    const result = await loginAction(values, next);
    if (result.ok) {
      router.replace(result.data.next);
      router.refresh();
    } else {
      setFormError(result.message);
    }
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
        <input id="password" type="password" autoComplete="current-password" aria-invalid={!!errors.password} aria-describedby="password-error" {...register("password")} />
        <FieldError id="password-error" message={errors.password?.message} />
      </div>
      <button type="submit" disabled={isSubmitting}>{isSubmitting ? "Signing in…" : "Sign in"}</button>
    </form>
  );
}
