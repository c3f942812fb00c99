// `npm run worker`: a separate worker process for scale-out (web instances then set CUSTODIAN_WORKER=off).
import { env } from "../lib/config/env.ts";
import { protectDataFiles } from "../lib/config/private-data.ts";
import { migrate } from "../lib/db/migrate.ts";
import { startWorker } from "../lib/worker/start-worker.ts";

protectDataFiles();
await migrate(env().DATABASE_URL);
const worker = startWorker();
const stop = () => void worker.stop().finally(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
setInterval(() => {}, 1 << 30);
