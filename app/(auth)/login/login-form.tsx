"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { ZLoginInput, type TLoginInput } from "@/lib/auth/schema.ts";
import { TextField } from "@/components/forms/text-field.tsx";
import { loginAction } from "./actions.ts";

export function LoginForm({ next, email }: { next: string; email?: string }) {
  const router = useRouter();
  const [formError, setFormError] = useState<string>();
  const { register, handleSubmit, formState } = useForm<TLoginInput>({
    resolver: zodResolver(ZLoginInput),
    defaultValues: { email: email ?? "", password: "" },
  });
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
    <form method="post" onSubmit={onSubmit} noValidate>
      {formError && (
        <div className="alert alert-error" role="alert">
          {formError}
        </div>
      )}
      <TextField
        id="email"
        label="Email"
        type="email"
        autoComplete="username"
        error={errors.email?.message}
        registration={register("email")}
      />
      <TextField
        id="password"
        label="Password"
        type="password"
        autoComplete="current-password"
        error={errors.password?.message}
        registration={register("password")}
      />
      <button type="submit" disabled={isSubmitting}>
        {isSubmitting ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
