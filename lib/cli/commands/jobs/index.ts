import { defineGroup } from "../../define-command.ts";
import { cancel } from "./cancel.ts";
import { download } from "./download.ts";
import { hold } from "./hold.ts";
import { link } from "./link.ts";
import { list } from "./list.ts";
import { release } from "./release.ts";
import { retryDeliveries } from "./retry-deliveries.ts";
import { show } from "./show.ts";

export const command = defineGroup({
  name: "jobs",
  summary:
    "List, show, cancel, download, hold or release export jobs, make a download link, or retry refused deliveries",
  commands: [list, show, cancel, download, link, hold, release, retryDeliveries],
});
