import assert from "node:assert/strict";
import { test } from "node:test";
import { fieldErrorsOf } from "../errors/user-error.ts";
import {
  CUSTOMER_TYPES,
  DAILY_RUN_TIME,
  defaultExportSettings,
  EXPORT_FORMATS,
  isMask,
  isTimeZone,
  ZExportSettingsInput,
  type TExportSettingsInput,
} from "./schema.ts";
import { SECRET_MASK } from "../audit/mask.ts";

// RELIABILITY.md "Bad-input catalogue" and check 36. A valid base, one field varied per case.

function base(): TExportSettingsInput {
  return {
    EnableExport: true,
    DailyRunTime: "01:00",
    TimeZone: "UTC",
    ExportFormat: "csv",
    BatchSize: 10000,
    ExportAttachments: true,
    GlobalRelaySettings: {
      CustomerType: "A9",
      SMTPUsername: "",
      EmailAddress: "",
      CustomSMTPServerName: "",
      CustomSMTPPort: 25,
      SMTPServerTimeout: 1800,
      AllowPlainSMTP: false,
    },
  };
}

type Patch = Partial<Omit<TExportSettingsInput, "GlobalRelaySettings">> & {
  GlobalRelaySettings?: Partial<TExportSettingsInput["GlobalRelaySettings"]>;
};

function withPatch(patch: Patch): unknown {
  const b = base();
  return {
    ...b,
    ...patch,
    GlobalRelaySettings: { ...b.GlobalRelaySettings, ...(patch.GlobalRelaySettings ?? {}) },
  };
}

function parse(patch: Patch) {
  return ZExportSettingsInput.safeParse(withPatch(patch));
}

/** Asserts rejection with exactly one field error, at `path`, and returns its message. */
function expectFieldError(patch: Patch, path: string, why: string): string {
  const r = parse(patch);
  assert.equal(r.success, false, `${why}: expected a rejection`);
  const errors = fieldErrorsOf(r.error!.issues);
  assert.deepEqual(Object.keys(errors), [path], `${why}: errors ${JSON.stringify(errors)}`);
  assert.ok(errors[path]!.length > 0);
  return errors[path]!;
}

test("the base object is valid and comes back unchanged", () => {
  const r = ZExportSettingsInput.safeParse(base());
  assert.ok(r.success, JSON.stringify(r.error?.issues));
  // The destination defaults to the built-in local target.
  assert.deepEqual(r.data, { ...base(), Destination: "local" });
});

test("DailyRunTime: the HH:MM catalogue", () => {
  const accept: Array<[string, string]> = [
    ["00:00", "00:00"],
    ["23:59", "23:59"],
    ["7:05", "07:05"],
    ["0:00", "00:00"],
    ["09:30", "09:30"],
    ["12:00", "12:00"],
    ["19:45", "19:45"],
    ["20:00", "20:00"],
  ];
  for (const [input, stored] of accept) {
    const r = parse({ DailyRunTime: input });
    assert.ok(
      r.success,
      `${JSON.stringify(input)} should be accepted: ${JSON.stringify(r.error?.issues)}`,
    );
    assert.equal(r.data.DailyRunTime, stored, `${JSON.stringify(input)} is stored as ${stored}`);
  }
  const reject = [
    "7:5",
    "07:5",
    "24:00",
    "23:60",
    "-1:00",
    "+7:05",
    " 07:05",
    "07:05 ",
    "07:05\n",
    "\t07:05",
    "07:05:00",
    "0705",
    "07h05",
    "007:05",
    "07:005",
    "ab:cd",
    "٠٧:٠٥", // Arabic-Indic digits
    "０７:０５", // fullwidth digits
    "07：05", // fullwidth colon
    "07.05",
    "7 pm",
    ":05",
    "07:",
    "",
  ];
  for (const input of reject) {
    const message = expectFieldError(
      { DailyRunTime: input },
      "DailyRunTime",
      JSON.stringify(input),
    );
    assert.match(message, /HH:MM/);
    assert.equal(
      DAILY_RUN_TIME.test(input),
      false,
      `DAILY_RUN_TIME must not match ${JSON.stringify(input)}`,
    );
  }
  // Not a string at all.
  assert.equal(ZExportSettingsInput.safeParse({ ...base(), DailyRunTime: 705 }).success, false);
});

test("CustomSMTPPort: integers 1–65535 as numbers or digit-only strings, nothing coerced", () => {
  for (const ok of [1, 25, 587, 65535]) {
    for (const value of [ok, String(ok)]) {
      const r = parse({ GlobalRelaySettings: { CustomSMTPPort: value as number } });
      assert.ok(
        r.success,
        `port ${JSON.stringify(value)} should be accepted: ${JSON.stringify(r.error?.issues)}`,
      );
      assert.equal(r.data.GlobalRelaySettings.CustomSMTPPort, ok);
      assert.equal(typeof r.data.GlobalRelaySettings.CustomSMTPPort, "number");
    }
  }
  const reject: unknown[] = [
    0,
    "0",
    65536,
    "65536",
    -1,
    "-1",
    "25.0",
    25.5,
    "25 ",
    " 25",
    "0x19",
    "1e3",
    "",
    "２５",
    "25\n",
    NaN,
    Infinity,
    null,
    true,
    [25],
    "99999999999",
  ];
  for (const value of reject) {
    expectFieldError(
      { GlobalRelaySettings: { CustomSMTPPort: value as number } },
      "GlobalRelaySettings.CustomSMTPPort",
      `port ${JSON.stringify(value)}`,
    );
  }
  assert.match(
    expectFieldError(
      { GlobalRelaySettings: { CustomSMTPPort: 0 } },
      "GlobalRelaySettings.CustomSMTPPort",
      "0",
    ),
    /at least 1/,
  );
  assert.match(
    expectFieldError(
      { GlobalRelaySettings: { CustomSMTPPort: "65536" } },
      "GlobalRelaySettings.CustomSMTPPort",
      "65536",
    ),
    /at most 65535/,
  );
  assert.match(
    expectFieldError(
      { GlobalRelaySettings: { CustomSMTPPort: "0x19" } },
      "GlobalRelaySettings.CustomSMTPPort",
      "0x19",
    ),
    /whole number/,
  );
});

test("SMTPServerTimeout: 1–3600 seconds", () => {
  for (const ok of [1, "60", 3600])
    assert.ok(parse({ GlobalRelaySettings: { SMTPServerTimeout: ok as number } }).success);
  for (const bad of [0, 3601, -5, "1.5", "abc", ""]) {
    expectFieldError(
      { GlobalRelaySettings: { SMTPServerTimeout: bad as number } },
      "GlobalRelaySettings.SMTPServerTimeout",
      `timeout ${JSON.stringify(bad)}`,
    );
  }
});

test("BatchSize: a whole number from 1 to 1,000,000", () => {
  for (const [value, stored] of [
    [1, 1],
    ["500", 500],
    [1_000_000, 1_000_000],
  ] as const) {
    const r = parse({ BatchSize: value as number });
    assert.ok(r.success);
    assert.equal(r.data.BatchSize, stored);
  }
  for (const bad of [0, -1, "-1", "abc", "", 1.5, "10 ", 1_000_001]) {
    expectFieldError(
      { BatchSize: bad as number },
      "BatchSize",
      `batch size ${JSON.stringify(bad)}`,
    );
  }
});

test("ExportFormat and CustomerType: only the listed values", () => {
  for (const f of EXPORT_FORMATS)
    assert.ok(parse({ ExportFormat: f, EnableExport: false }).success, f);
  for (const bad of ["xml", "CSV", "Actiance", "globalrelay_zip", "", "csv "]) {
    expectFieldError(
      { ExportFormat: bad as "csv" },
      "ExportFormat",
      `format ${JSON.stringify(bad)}`,
    );
  }
  for (const c of CUSTOMER_TYPES)
    assert.ok(parse({ GlobalRelaySettings: { CustomerType: c } }).success, c);
  for (const bad of ["A11", "a9", "custom", "", "A9 "]) {
    expectFieldError(
      { GlobalRelaySettings: { CustomerType: bad as "A9" } },
      "GlobalRelaySettings.CustomerType",
      `customer type ${JSON.stringify(bad)}`,
    );
  }
});

test("TimeZone: IANA names only", () => {
  for (const tz of ["UTC", "Europe/London", "America/New_York", "Asia/Kolkata"]) {
    assert.equal(isTimeZone(tz), true, tz);
    const r = parse({ TimeZone: tz });
    assert.ok(r.success, tz);
    assert.equal(r.data.TimeZone, tz);
  }
  for (const tz of ["Mars/Olympus", "", "Europe/Londn", "Not a zone", "x".repeat(65)]) {
    assert.equal(isTimeZone(tz), false, tz);
    assert.match(
      expectFieldError({ TimeZone: tz }, "TimeZone", `time zone ${JSON.stringify(tz)}`),
      /IANA/,
    );
  }
});

test("booleans are booleans", () => {
  for (const bad of ["true", 1, null, undefined]) {
    expectFieldError(
      { EnableExport: bad as unknown as boolean },
      "EnableExport",
      `EnableExport ${JSON.stringify(bad)}`,
    );
    expectFieldError(
      { ExportAttachments: bad as unknown as boolean },
      "ExportAttachments",
      `ExportAttachments ${JSON.stringify(bad)}`,
    );
  }
});

test("Global Relay fields are required only when the export is on and the format is globalrelay", () => {
  // Enabled + globalrelay with empty fields: one error per missing field, at its own path.
  const r = parse({ ExportFormat: "globalrelay", GlobalRelaySettings: { CustomerType: "CUSTOM" } });
  assert.equal(r.success, false);
  assert.deepEqual(Object.keys(fieldErrorsOf(r.error!.issues)).sort(), [
    "GlobalRelaySettings.CustomSMTPServerName",
    "GlobalRelaySettings.EmailAddress",
    "GlobalRelaySettings.SMTPUsername",
  ]);

  const complete = { SMTPUsername: "archiver", EmailAddress: "archive@globalrelay.example" };
  expectFieldError(
    { ExportFormat: "globalrelay", GlobalRelaySettings: { ...complete, EmailAddress: "" } },
    "GlobalRelaySettings.EmailAddress",
    "missing address",
  );
  expectFieldError(
    { ExportFormat: "globalrelay", GlobalRelaySettings: { ...complete, SMTPUsername: "" } },
    "GlobalRelaySettings.SMTPUsername",
    "missing username",
  );
  expectFieldError(
    { ExportFormat: "globalrelay", GlobalRelaySettings: { ...complete, CustomerType: "CUSTOM" } },
    "GlobalRelaySettings.CustomSMTPServerName",
    "CUSTOM without server",
  );
  // A9/A10 use Global Relay's own servers: no server name needed.
  for (const ct of ["A9", "A10"] as const) {
    assert.ok(
      parse({ ExportFormat: "globalrelay", GlobalRelaySettings: { ...complete, CustomerType: ct } })
        .success,
      ct,
    );
  }
  const custom = parse({
    ExportFormat: "globalrelay",
    GlobalRelaySettings: {
      ...complete,
      CustomerType: "CUSTOM",
      CustomSMTPServerName: "smtp.archive.example",
      CustomSMTPPort: "587",
    },
  });
  assert.ok(custom.success, JSON.stringify(custom.error?.issues));
  assert.equal(custom.data.GlobalRelaySettings.CustomSMTPPort, 587);

  // Not required for the zip variant, nor when the export is off.
  assert.ok(
    parse({ ExportFormat: "globalrelay-zip", GlobalRelaySettings: { CustomerType: "CUSTOM" } })
      .success,
    "globalrelay-zip",
  );
  assert.ok(
    parse({
      ExportFormat: "globalrelay",
      EnableExport: false,
      GlobalRelaySettings: { CustomerType: "CUSTOM" },
    }).success,
    "disabled",
  );
});

test("Global Relay fields are checked for format whenever they are filled in", () => {
  for (const format of ["csv", "globalrelay", "globalrelay-zip"] as const) {
    const gr = { SMTPUsername: "archiver", EmailAddress: "archive@globalrelay.example" };
    for (const bad of [
      "a@b.c\r\nBcc: x@evil",
      '"x@evil.com y"@corp.example',
      "a@b.c, d@e.f",
      "<a@b.c>",
    ]) {
      expectFieldError(
        { ExportFormat: format, GlobalRelaySettings: { ...gr, EmailAddress: bad } },
        "GlobalRelaySettings.EmailAddress",
        `${format} ${JSON.stringify(bad)}`,
      );
    }
    expectFieldError(
      {
        ExportFormat: format,
        GlobalRelaySettings: { ...gr, SMTPUsername: "u\r\nRCPT TO:<x@evil>" },
      },
      "GlobalRelaySettings.SMTPUsername",
      "CRLF username",
    );
    expectFieldError(
      { ExportFormat: format, GlobalRelaySettings: { ...gr, SMTPPassword: "pw\nQUIT" } },
      "GlobalRelaySettings.SMTPPassword",
      "LF password",
    );
    expectFieldError(
      {
        ExportFormat: format,
        GlobalRelaySettings: { ...gr, CustomSMTPServerName: "smtp.example.com\r\n" },
      },
      "GlobalRelaySettings.CustomSMTPServerName",
      "CRLF host",
    );
    expectFieldError(
      {
        ExportFormat: format,
        GlobalRelaySettings: { ...gr, CustomSMTPServerName: "smtp example.com" },
      },
      "GlobalRelaySettings.CustomSMTPServerName",
      "host with space",
    );
  }
  for (const host of ["smtp.example.com", "localhost", "10.0.0.1", "[::1]", "[2001:db8::25]"]) {
    assert.ok(
      parse({ GlobalRelaySettings: { CustomerType: "CUSTOM", CustomSMTPServerName: host } })
        .success,
      host,
    );
  }
});

test("SMTPPassword is optional and kept verbatim (the mask included)", () => {
  const absent = parse({});
  assert.ok(absent.success);
  assert.equal("SMTPPassword" in absent.data.GlobalRelaySettings, false);
  for (const pw of [SECRET_MASK, "s3cret with spaces ", "pässwörd"]) {
    const r = parse({ GlobalRelaySettings: { SMTPPassword: pw } });
    assert.ok(r.success);
    assert.equal(r.data.GlobalRelaySettings.SMTPPassword, pw);
  }
  assert.equal(isMask(SECRET_MASK), true);
  assert.equal(isMask("*".repeat(31)), false);
  assert.equal(isMask(undefined), false);
  assert.equal(SECRET_MASK, "*".repeat(32));
});

test("unknown keys are dropped, not stored", () => {
  // JSON.parse makes "__proto__" an own key, as a request body would.
  const body = JSON.parse(
    JSON.stringify({
      ...base(),
      Extra: "x",
      GlobalRelaySettings: { ...base().GlobalRelaySettings, Extra: 1 },
    }).replace(/^\{/, '{"__proto__":{"polluted":true},'),
  ) as Record<string, unknown>;
  assert.ok(Object.hasOwn(body, "__proto__"));
  const r = ZExportSettingsInput.safeParse(body);
  assert.ok(r.success, JSON.stringify(r.error?.issues));
  assert.equal("Extra" in r.data, false);
  assert.equal("Extra" in r.data.GlobalRelaySettings, false);
  assert.equal(Object.hasOwn(r.data, "__proto__"), false);
  assert.equal((r.data as Record<string, unknown>).polluted, undefined);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test("the defaults are themselves valid input", () => {
  const d = defaultExportSettings();
  const { ExportFromTimestamp, ...rest } = d;
  assert.equal(ExportFromTimestamp, 0);
  assert.equal(d.EnableExport, false);
  assert.equal(d.DailyRunTime, "01:00");
  assert.equal(d.GlobalRelaySettings.SMTPPassword, "");
  const r = ZExportSettingsInput.safeParse(rest);
  assert.ok(r.success, JSON.stringify(r.error?.issues));
  assert.equal(isTimeZone(d.TimeZone), true);
});

test("plain SMTP is allowed only for a Custom server", () => {
  assert.ok(
    parse({
      EnableExport: true,
      ExportFormat: "globalrelay",
      GlobalRelaySettings: {
        CustomerType: "CUSTOM",
        CustomSMTPServerName: "relay.internal",
        SMTPUsername: "u",
        EmailAddress: "a@example.com",
        AllowPlainSMTP: true,
      },
    }).success,
  );
  expectFieldError(
    {
      EnableExport: true,
      ExportFormat: "globalrelay",
      GlobalRelaySettings: {
        CustomerType: "A9",
        SMTPUsername: "u",
        EmailAddress: "a@example.com",
        AllowPlainSMTP: true,
      },
    },
    "GlobalRelaySettings.AllowPlainSMTP",
    "A9 with plain SMTP",
  );
});
