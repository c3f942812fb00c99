"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { ZSetPasswordInput, type TSetPasswordInput } from "@/lib/admins/schema.ts";
import { TextField } from "@/components/forms/text-field.tsx";
import { setPasswordAction } from "./actions.ts";

export function SetPasswordForm({ token }: { token: string }) {
  const router = useRouter();
  const [formError, setFormError] = useState<string>();
  const { register, handleSubmit, formState } = useForm<TSetPasswordInput>({
    resolver: zodResolver(ZSetPasswordInput),
    defaultValues: { token },
  });
  const { errors, isSubmitting } = formState;
  const onSubmit = handleSubmit(async (values) => {
    const result = await setPasswordAction(values);
    // The sign-in page then says the password is set, with the email filled in.
    if (result.ok)
      return router.replace(`/login?password=set&email=${encodeURIComponent(result.data.email)}`);
    setFormError(result.message);
  });
  return (
    <form method="post" onSubmit={onSubmit} noValidate>
      {formError && (
        <div className="alert alert-error" role="alert">
          {formError}
        </div>
      )}
      <input type="hidden" {...register("token")} />
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
        label="Confirm password"
        type="password"
        autoComplete="new-password"
        error={errors.confirmPassword?.message}
        registration={register("confirmPassword")}
      />
      <button type="submit" disabled={isSubmitting}>
        Set password
      </button>
    </form>
  );
}
