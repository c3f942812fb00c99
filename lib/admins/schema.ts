import { z } from "zod";
import { RIGHTS } from "../auth/rights.ts";
import { ZNewPassword } from "../auth/schema.ts";
import { ZEmail } from "../validation/email.ts";

const ZRights = z
  .array(z.enum(RIGHTS, "Unknown right."))
  .max(RIGHTS.length)
  .transform((r) => [...new Set(r)].sort());

export const ZAddAdminInput = z.object({ email: ZEmail, rights: ZRights }).strict();
export type TAddAdminInput = z.input<typeof ZAddAdminInput>;

export const ZUpdateRightsInput = z
  .object({ userId: z.string().uuid("Not an admin id."), rights: ZRights })
  .strict();
export const ZAdminRef = z.object({ userId: z.string().uuid("Not an admin id.") }).strict();

export const ZSetPasswordInput = z
  .object({
    token: z.string().min(20).max(100),
    password: ZNewPassword,
    confirmPassword: z.string(),
  })
  .strict()
  .refine((v) => v.password === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "The passwords do not match.",
  });
export type TSetPasswordInput = z.input<typeof ZSetPasswordInput>;

export const ZChangePasswordInput = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password.").max(256),
    password: ZNewPassword,
    confirmPassword: z.string(),
    endOtherSessions: z.boolean(),
  })
  .strict()
  .refine((v) => v.password === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "The passwords do not match.",
  });
export type TChangePasswordInput = z.input<typeof ZChangePasswordInput>;
