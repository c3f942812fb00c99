import { defineGroup } from "../../define-command.ts";
import { encryptStore } from "./encrypt-store.ts";
import { exportKey } from "./export.ts";
import { list } from "./list.ts";
import { rotate } from "./rotate.ts";

export const command = defineGroup({
  name: "keys",
  summary:
    "The attachment keys that encrypt the file store: list, rotate, export; encrypt files stored before encryption",
  commands: [list, rotate, encryptStore, exportKey],
});
