import { defineGroup } from "../../define-command.ts";
import { create } from "./create.ts";
import { list } from "./list.ts";
import { revoke } from "./revoke.ts";

export const command = defineGroup({
  name: "token",
  summary: "Create, list or revoke API tokens",
  commands: [create, list, revoke],
});
