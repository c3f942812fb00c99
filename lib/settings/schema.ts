import { z } from "zod";
import type { AuditFieldsOf } from "../audit/auditable.ts";
import { SECRET_MASK } from "../audit/mask.ts";
import type { SecretEndpoint } from "./secret-binding.ts";
import { emailProblem } from "../validation/email.ts";

export const EXPORT_FORMATS = [
  "csv",
  "actiance",
  "globalrelay",
  "globalrelay-zip",
  "json",
] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const EXPORT_FORMAT_LABELS: Record<ExportFormat, string> = {
  actiance: "Actiance XML",
  csv: "CSV",
  globalrelay: "GlobalRelay EML",
  "globalrelay-zip": "GlobalRelay EML (zip)",
  json: "JSON (RingCentral layout)",
};

export const CUSTOMER_TYPES = ["A9", "A10", "CUSTOM"] as const;
export const CUSTOMER_TYPE_LABELS: Record<(typeof CUSTOMER_TYPES)[number], string> = {
  A9: "A9/Type 9",
  A10: "A10/Type 10",
  CUSTOM: "Custom",
};

/** Go's time.Parse("15:04"): hour of one or two digits, minute of exactly two, nothing else. */
export const DAILY_RUN_TIME = /^([01]?[0-9]|2[0-3]):([0-5][0-9])$/;

export function isTimeZone(value: string): boolean {
  if (!value || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export function serverTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** Whole numbers typed as digits only: "25 ", "25.0", "0x19" and "1e3" are refused, not coerced. */
const wholeNumber = (label: string, min: number, max: number) =>
  z
    .union([z.number(), z.string()])
    .transform((v, ctx) => {
      const ok = typeof v === "number" ? Number.isInteger(v) : /^[0-9]{1,10}$/.test(v);
      if (!ok) {
        ctx.addIssue({ code: "custom", message: `${label} must be a whole number.` });
        return z.NEVER;
      }
      return Number(v);
    })
    .pipe(
      z
        .number()
        .min(min, `${label} must be at least ${min}.`)
        .max(max, `${label} must be at most ${max}.`),
    );

const address = z
  .string()
  .max(254)
  .superRefine((v, ctx) => {
    if (v === "") return; // required-ness is checked below, only where it applies
    const problem = emailProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const hostName = z
  .string()
  .max(253)
  .regex(
    /^$|^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$|^\[[0-9A-Fa-f:.]+\]$/,
    "Enter a host name such as smtp.example.com, or an IP address.",
  );

export const ZGlobalRelaySettingsInput = z.object({
  CustomerType: z.enum(CUSTOMER_TYPES, "Choose A9/Type 9, A10/Type 10 or Custom."),
  SMTPUsername: z
    .string()
    .max(254)
    .refine((v) => !/[\r\n\0]/.test(v), "The username cannot contain line breaks."),
  /** Write-only: absent or the mask keeps the stored password; any other value replaces it. */
  SMTPPassword: z
    .string()
    .max(1024)
    .refine((v) => !/[\r\n\0]/.test(v), "The password cannot contain line breaks.")
    .optional(),
  EmailAddress: address,
  CustomSMTPServerName: hostName,
  CustomSMTPPort: wholeNumber("Port", 1, 65535),
  SMTPServerTimeout: wholeNumber("Timeout", 1, 3600),
  /** Custom only: deliver without STARTTLS to a private relay that has none (documented risk). */
  AllowPlainSMTP: z.boolean().default(false),
});

/** The Compliance Export form; also the shape of PATCH bodies and `config set`. */
export const ZExportSettingsInput = z
  .object({
    EnableExport: z.boolean(),
    DailyRunTime: z
      .string()
      .regex(DAILY_RUN_TIME, "Enter a 24-hour time as HH:MM, for example 01:00 or 23:30.")
      .transform((v) => v.padStart(5, "0")),
    TimeZone: z
      .string()
      .refine(isTimeZone, "Choose a time zone from the list (an IANA name such as Europe/London)."),
    ExportFormat: z.enum(EXPORT_FORMATS, "Choose an export format."),
    BatchSize: wholeNumber("Batch size", 1, 1_000_000),
    ExportAttachments: z.boolean(),
    /** Where the file formats go: a local-directory or S3 target, by id or name (stored as its id). */
    Destination: z.string().trim().min(1, "Choose a destination.").max(200).default("local"),
    GlobalRelaySettings: ZGlobalRelaySettingsInput,
  })
  .superRefine((v, ctx) => {
    // Mattermost checks the Global Relay fields only when the export is on and delivers by SMTP.
    if (!v.EnableExport || v.ExportFormat !== "globalrelay") return;
    const gr = v.GlobalRelaySettings;
    const need = (field: keyof typeof gr, message: string) =>
      ctx.addIssue({ code: "custom", path: ["GlobalRelaySettings", field], message });
    if (!gr.EmailAddress) need("EmailAddress", "Enter the archive's email address.");
    if (!gr.SMTPUsername) need("SMTPUsername", "Enter the SMTP username.");
    if (gr.CustomerType === "CUSTOM" && !gr.CustomSMTPServerName)
      need("CustomSMTPServerName", "Enter the SMTP server name.");
    if (gr.CustomerType !== "CUSTOM" && gr.AllowPlainSMTP)
      need(
        "AllowPlainSMTP",
        "Plain SMTP is only for a Custom server; Global Relay requires STARTTLS.",
      );
  });

export type TExportSettingsInput = z.input<typeof ZExportSettingsInput>;

/** What a `patchConfig` record keeps of the form: every setting, the password only as the mask. */
export const EXPORT_SETTINGS_AUDIT_FIELDS = {
  EnableExport: true,
  DailyRunTime: true,
  TimeZone: true,
  ExportFormat: true,
  BatchSize: true,
  ExportAttachments: true,
  Destination: true,
  GlobalRelaySettings: {
    CustomerType: true,
    SMTPUsername: true,
    SMTPPassword: "secret",
    EmailAddress: true,
    CustomSMTPServerName: true,
    CustomSMTPPort: true,
    SMTPServerTimeout: true,
    AllowPlainSMTP: true,
  },
} as const satisfies AuditFieldsOf<TExportSettingsInput>;

/** Settings that decide where archive mail goes: a change is announced to the owner and auditors. */
const DESTINATION_PATHS = new Set(
  [
    "CustomerType",
    "EmailAddress",
    "CustomSMTPServerName",
    "CustomSMTPPort",
    "SMTPUsername",
    "AllowPlainSMTP",
  ].map((k) => `MessageExportSettings.GlobalRelaySettings.${k}`),
);

/** The config diffs that redirect the archive feed: the Global Relay destination, or switching mail delivery on or off. */
export function exportDestinationDiffs<
  D extends { path: string; base_val: unknown; actual_val: unknown },
>(diffs: D[]): D[] {
  return diffs.filter(
    (d) =>
      DESTINATION_PATHS.has(d.path) ||
      d.path === "MessageExportSettings.Destination" ||
      (d.path === "MessageExportSettings.ExportFormat" &&
        (d.base_val === "globalrelay" || d.actual_val === "globalrelay")),
  );
}
export type TExportSettingsParsed = z.output<typeof ZExportSettingsInput>;

/** What is stored (the password sealed) and what the engine reads (the password opened). */
export type ExportSettings = Omit<TExportSettingsParsed, "GlobalRelaySettings"> & {
  ExportFromTimestamp: number;
  GlobalRelaySettings: Omit<TExportSettingsParsed["GlobalRelaySettings"], "SMTPPassword"> & {
    SMTPPassword: string;
  };
};

/** What the browser gets: the password never, only whether one is set. */
export type ExportSettingsView = Omit<ExportSettings, "GlobalRelaySettings"> & {
  GlobalRelaySettings: Omit<ExportSettings["GlobalRelaySettings"], "SMTPPassword"> & {
    SMTPPasswordSet: boolean;
  };
};

export function defaultExportSettings(): ExportSettings {
  return {
    EnableExport: false,
    DailyRunTime: "01:00",
    TimeZone: serverTimeZone(),
    ExportFormat: "actiance",
    ExportFromTimestamp: 0,
    BatchSize: 10000,
    ExportAttachments: true,
    Destination: "local",
    GlobalRelaySettings: {
      CustomerType: "A9",
      SMTPUsername: "",
      SMTPPassword: "",
      EmailAddress: "",
      CustomSMTPServerName: "",
      CustomSMTPPort: 25,
      SMTPServerTimeout: 1800,
      AllowPlainSMTP: false,
    },
  };
}

/**
 * Where the Global Relay / Custom SMTP password goes: the customer type (A9 and A10 are fixed
 * hosts), the Custom host and port, whether plain SMTP is allowed, and the username.
 */
export function globalRelayEndpoint(
  gr: Pick<
    ExportSettings["GlobalRelaySettings"],
    "CustomerType" | "CustomSMTPServerName" | "CustomSMTPPort" | "AllowPlainSMTP" | "SMTPUsername"
  >,
): SecretEndpoint {
  const custom = gr.CustomerType === "CUSTOM";
  return {
    customerType: gr.CustomerType,
    host: custom ? gr.CustomSMTPServerName.trim().toLowerCase() : "",
    port: custom ? Number(gr.CustomSMTPPort) : 25,
    plain: custom && gr.AllowPlainSMTP,
    username: gr.SMTPUsername,
  };
}

export function isMask(value: string | undefined): boolean {
  return value === SECRET_MASK;
}
