import { defineGroup } from "../../define-command.ts";
import { cancel } from "./cancel.ts";
import { download } from "./download.ts";
import { link } from "./link.ts";
import { list } from "./list.ts";
import { show } from "./show.ts";

export const command = defineGroup({
  name: "jobs",
  summary: "List, show, cancel, download export jobs, or make a download link",
  commands: [list, show, cancel, download, link],
});
