import { defineGroup } from "../../define-command.ts";
import { add } from "./add.ts";
import { list } from "./list.ts";
import { remove } from "./remove.ts";
import { test } from "./test.ts";

export const command = defineGroup({
  name: "target",
  summary:
    "List, add, test or remove export targets (local directories, S3 buckets, archive mailboxes)",
  commands: [list, add, test, remove],
});
