import { defineGroup } from "../../define-command.ts";
import { create } from "./create.ts";
import { resetPassword } from "./reset-password.ts";

export const command = defineGroup({
  name: "admin",
  summary: "Create the owner or an admin (headless set-up); reset a password",
  commands: [create, resetPassword],
});
