import { parseArgs } from "node:util";
import { componentActor } from "../../audit/actor.ts";
import { record } from "../../audit/record.ts";
import { AdminExistsError, createAdmin, OwnerExistsError } from "../../auth/create-admin.ts";
import { RIGHTS, type Right } from "../../auth/rights.ts";
import { ZNewPassword } from "../../auth/schema.ts";
import { emailProblem } from "../../validation/email.ts";
import { CliUsageError, type CliCommand } from "../cli-error.ts";
import { readSecretInput } from "../read-secret-input.ts";

const USAGE = `Usage: npm run cli -- admin create --email EMAIL [--owner] [--rights configure,request,download,audit] [--password-stdin]

Creates an admin. --owner creates the owner (only one may exist; this is the headless set-up).
The password is read from CUSTODIAN_ADMIN_PASSWORD, or from standard input with --password-stdin.`;

export const command: CliCommand = {
  summary: "Create the owner or an admin account (headless set-up)",
  usage: USAGE,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub !== "create") throw new CliUsageError(`unknown admin subcommand "${sub ?? ""}"\n\n${USAGE}`);
    const { values } = parseArgs({
      args: rest,
      options: { email: { type: "string" }, owner: { type: "boolean", default: false }, rights: { type: "string" }, "password-stdin": { type: "boolean", default: false } },
      strict: true,
    });
    const email = values.email ?? "";
    const emailError = emailProblem(email);
    if (emailError) throw new CliUsageError(`--email: ${emailError}`);
    const rights = (values.rights ? values.rights.split(",").map((r) => r.trim()) : []) as Right[];
    const badRight = rights.find((r) => !RIGHTS.includes(r));
    if (badRight) throw new CliUsageError(`--rights: unknown right "${badRight}" (choose from ${RIGHTS.join(", ")})`);
    const password = values["password-stdin"] ? await readSecretInput() : process.env.CUSTODIAN_ADMIN_PASSWORD ?? "";
    if (!password) throw new CliUsageError("no password: set CUSTODIAN_ADMIN_PASSWORD or pass --password-stdin");
    const strength = ZNewPassword.safeParse(password);
    if (!strength.success) throw new CliUsageError(`password: ${strength.error.issues[0]?.message}`);
    const actor = componentActor("cli");
    try {
      const user = await createAdmin({ email, password, owner: values.owner, rights });
      await record({ eventName: "createUser", status: "success", actor, objectType: "user", apiPath: "cli:admin create", parameters: { email, owner: values.owner, rights }, resultingState: { user_id: user.id, email: user.email, owner: values.owner } });
      console.log(`Created ${values.owner ? "owner" : "admin"} ${user.email} (${user.id})`);
      return 0;
    } catch (error) {
      if (error instanceof OwnerExistsError || error instanceof AdminExistsError) {
        await record({ eventName: "createUser", status: "fail", actor, objectType: "user", apiPath: "cli:admin create", parameters: { email, owner: values.owner }, error: { description: error.message, status_code: 409 } });
        console.error(`error: ${error.message}`);
        return 1;
      }
      throw error;
    }
  },
};
