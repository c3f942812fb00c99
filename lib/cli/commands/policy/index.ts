import { defineGroup } from "../../define-command.ts";
import { add } from "./add.ts";
import { disable, enable } from "./enable.ts";
import { list } from "./list.ts";
import { remove } from "./remove.ts";
import { run } from "./run.ts";
import { show } from "./show.ts";
import { update } from "./update.ts";

export const command = defineGroup({
  name: "policy",
  summary: "Export policies: list, show, add, update, enable, disable, remove, run",
  commands: [list, show, add, update, enable, disable, remove, run],
});
