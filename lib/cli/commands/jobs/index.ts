import { defineGroup } from "../../define-command.ts";
import { cancel } from "./cancel.ts";
import { download } from "./download.ts";
import { hold } from "./hold.ts";
import { link } from "./link.ts";
import { list } from "./list.ts";
import { release } from "./release.ts";
import { show } from "./show.ts";

export const command = defineGroup({
  name: "jobs",
  summary: "List, show, cancel, download, hold or release export jobs, or make a download link",
  commands: [list, show, cancel, download, link, hold, release],
});
