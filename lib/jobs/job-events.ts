import { EventEmitter } from "node:events";

/** Poked when this process enqueues a job, so its own worker starts it without waiting a poll. */
export const jobEvents = new EventEmitter();
