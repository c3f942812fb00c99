import { z } from "zod";
import type { AuditFieldsOf } from "../audit/auditable.ts";
import type { SecretEndpoint } from "../settings/secret-binding.ts";
import { emailProblem } from "../validation/email.ts";

const port = z
  .union([z.number(), z.string()])
  .transform((v, ctx) => {
    if (typeof v === "number" ? !Number.isInteger(v) : !/^[0-9]{1,5}$/.test(v)) {
      ctx.addIssue({ code: "custom", message: "Port must be a whole number." });
      return z.NEVER;
    }
    return Number(v);
  })
  .pipe(z.number().min(1, "Port must be at least 1.").max(65535, "Port must be at most 65535."));

const address = (required: boolean) =>
  z.string().superRefine((v, ctx) => {
    if (v === "" && !required) return;
    const problem = emailProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** Who is told what, and through which mail server: separate from Global Relay's SMTP settings. */
export const ZNotificationSettingsInput = z
  .object({
    Enabled: z.boolean(),
    SMTPHost: z
      .string()
      .max(253)
      .regex(
        /^$|^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/,
        "Enter a host name such as smtp.example.com.",
      ),
    SMTPPort: port,
    Security: z.enum(["starttls", "tls", "none"], "Choose STARTTLS, TLS or none."),
    SMTPUsername: z
      .string()
      .max(254)
      .refine((v) => !/[\r\n\0]/.test(v), "The username cannot contain line breaks."),
    /** Write-only: absent or the mask keeps the stored one. */
    SMTPPassword: z
      .string()
      .max(1024)
      .refine((v) => !/[\r\n\0]/.test(v), "The password cannot contain line breaks.")
      .optional(),
    FromAddress: address(false),
    /** One address per line (or comma-separated in the API). */
    Recipients: z.union([z.array(z.string()), z.string()]).transform((v, ctx) => {
      const list = (Array.isArray(v) ? v : v.split(/[\n,]/)).map((s) => s.trim()).filter(Boolean);
      for (const a of list) {
        const problem = emailProblem(a);
        if (problem) ctx.addIssue({ code: "custom", message: `${a}: ${problem}` });
      }
      if (list.length > 50) ctx.addIssue({ code: "custom", message: "At most 50 recipients." });
      return [...new Set(list)];
    }),
    NotifyOnFailure: z.boolean(),
    NotifyOnWarning: z.boolean(),
    NotifyOnMissedSchedule: z.boolean(),
    NotifyRequesters: z.boolean(),
  })
  .superRefine((v, ctx) => {
    if (!v.Enabled) return;
    if (!v.SMTPHost)
      ctx.addIssue({
        code: "custom",
        path: ["SMTPHost"],
        message: "Enter the mail server's host name.",
      });
    if (!v.FromAddress)
      ctx.addIssue({
        code: "custom",
        path: ["FromAddress"],
        message: "Enter the address the emails come from.",
      });
  });
export type TNotificationSettingsInput = z.input<typeof ZNotificationSettingsInput>;
export type TNotificationSettingsParsed = z.output<typeof ZNotificationSettingsInput>;

/** What a `patchConfig` record keeps of the form: every setting, the password only as the mask. */
export const NOTIFICATION_SETTINGS_AUDIT_FIELDS = {
  Enabled: true,
  SMTPHost: true,
  SMTPPort: true,
  Security: true,
  SMTPUsername: true,
  SMTPPassword: "secret",
  FromAddress: true,
  Recipients: true,
  NotifyOnFailure: true,
  NotifyOnWarning: true,
  NotifyOnMissedSchedule: true,
  NotifyRequesters: true,
} as const satisfies AuditFieldsOf<TNotificationSettingsInput>;

export type NotificationSettings = Omit<TNotificationSettingsParsed, "SMTPPassword"> & {
  SMTPPassword: string;
  /**
   * Epoch ms from which set-password links may go through this mail server: 24 hours after an
   * admin other than the owner changed the server, at once when the owner changed or confirmed it.
   */
  ServerTrustedFrom: number;
};
export type NotificationSettingsView = Omit<NotificationSettings, "SMTPPassword"> & {
  SMTPPasswordSet: boolean;
};

/** Where the notification SMTP password goes: host, port, TLS mode and username. */
export function notificationEndpoint(
  s: Pick<NotificationSettings, "SMTPHost" | "SMTPPort" | "Security" | "SMTPUsername">,
): SecretEndpoint {
  return {
    host: s.SMTPHost.trim().toLowerCase(),
    port: Number(s.SMTPPort),
    security: s.Security,
    username: s.SMTPUsername,
  };
}

export function defaultNotificationSettings(): NotificationSettings {
  return {
    Enabled: false,
    SMTPHost: "",
    SMTPPort: 587,
    Security: "starttls",
    SMTPUsername: "",
    SMTPPassword: "",
    FromAddress: "",
    Recipients: [],
    NotifyOnFailure: true,
    NotifyOnWarning: true,
    NotifyOnMissedSchedule: true,
    NotifyRequesters: true,
    ServerTrustedFrom: 0,
  };
}
