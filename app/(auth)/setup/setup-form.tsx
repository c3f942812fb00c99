"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { ZSetupInput, type TSetupInput } from "@/lib/auth/schema.ts";
import { TextField } from "@/components/forms/text-field.tsx";
import { createOwnerAction } from "./actions.ts";

export function SetupForm() {
  const router = useRouter();
  const [formError, setFormError] = useState<string>();
  const { register, handleSubmit, setError, formState } = useForm<TSetupInput>({
    resolver: zodResolver(ZSetupInput),
    mode: "onTouched",
  });
  const { errors, isSubmitting } = formState;

  const onSubmit = handleSubmit(async (values) => {
    setFormError(undefined);
    const result = await createOwnerAction(values);
    if (result.ok) {
      router.replace("/compliance-export");
      router.refresh();
      return;
    }
    for (const [field, message] of Object.entries(result.fieldErrors))
      setError(field as keyof TSetupInput, { message });
    setFormError(result.message);
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
        autoComplete="new-password"
        help="At least 12 characters."
        error={errors.password?.message}
        registration={register("password")}
      />
      <TextField
        id="confirmPassword"
        label="Confirm password"
        type="password"
        autoComplete="new-password"
        error={errors.confirmPassword?.message}
        registration={register("confirmPassword")}
      />
      <button type="submit" disabled={isSubmitting}>
        {isSubmitting ? "Creating…" : "Create owner account"}
      </button>
    </form>
  );
}
