import { defineGroup } from "../../define-command.ts";
import { set } from "./set.ts";
import { show } from "./show.ts";

export const command = defineGroup({
  name: "config",
  summary: "Show or change the Compliance Export settings",
  commands: [show, set],
});
