import { z } from "zod";
import { ZEmail } from "../validation/email.ts";

/**
 * The shape of a new password, checked in the browser too: 12–256 characters, more than a few
 * different ones. The server also applies the full policy (lib/auth/password-policy.ts: common
 * passwords, the email and its parts) wherever a password is set.
 */
export const ZNewPassword = z
  .string()
  .min(12, "Use at least 12 characters.")
  .max(256, "Use at most 256 characters.")
  .refine((p) => new Set(p).size > 3, "Use more than a few different characters.");

export const ZSetupInput = z
  .object({
    email: ZEmail,
    password: ZNewPassword,
    confirmPassword: z.string(),
  })
  .refine((v) => v.password === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "The passwords do not match.",
  })
  .refine((v) => v.password.toLowerCase() !== v.email.toLowerCase(), {
    path: ["password"],
    message: "Do not use your email address as the password.",
  });
export type TSetupInput = z.infer<typeof ZSetupInput>;

export const ZLoginInput = z.object({
  email: z.string().min(1, "Enter your email address.").max(254),
  password: z.string().min(1, "Enter your password.").max(256),
});
export type TLoginInput = z.infer<typeof ZLoginInput>;

/** Only same-site paths: `//evil.example` and `/\evil.example` are not. */
export function safeNextPath(next: string | null | undefined): string {
  if (
    !next ||
    !next.startsWith("/") ||
    next.startsWith("//") ||
    next.startsWith("/\\") ||
    /[\r\n\t]/.test(next)
  )
    return "/";
  return next;
}
