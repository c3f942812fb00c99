import { z } from "zod";
import { ZEmail } from "../validation/email.ts";

const COMMON = new Set([
  "password1234", "passwordpassword", "123456789012", "qwertyuiopas", "administrator",
  "letmeinletmein", "custodian123", "changemechangeme", "welcome12345", "iloveyou1234",
]);

/** Minimum strength: 12+ characters, not one repeated character, not a well-known password. */
export const ZNewPassword = z
  .string()
  .min(12, "Use at least 12 characters.")
  .max(256, "Use at most 256 characters.")
  .refine((p) => new Set(p).size > 3, "Use more than a few different characters.")
  .refine((p) => !COMMON.has(p.toLowerCase()), "This password is too common.");

export const ZSetupInput = z
  .object({
    email: ZEmail,
    password: ZNewPassword,
    confirmPassword: z.string(),
  })
  .refine((v) => v.password === v.confirmPassword, { path: ["confirmPassword"], message: "The passwords do not match." })
  .refine((v) => v.password.toLowerCase() !== v.email.toLowerCase(), { path: ["password"], message: "Do not use your email address as the password." });
export type TSetupInput = z.infer<typeof ZSetupInput>;

export const ZLoginInput = z.object({
  email: z.string().min(1, "Enter your email address.").max(254),
  password: z.string().min(1, "Enter your password.").max(256),
});
export type TLoginInput = z.infer<typeof ZLoginInput>;

/** Only same-site paths: `//evil.example` and `/\evil.example` are not. */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\") || /[\r\n\t]/.test(next)) return "/";
  return next;
}
