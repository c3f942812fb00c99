export { createJsonWriter, writeJsonBatch, type JsonWriterOptions } from "./write-json-batch.ts";
export { TEAMS_PATH, USERS_PATH } from "./plan-json-export.ts";
export type * from "./types.ts";
