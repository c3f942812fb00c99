import pino from "pino";
import { env } from "../config/env.ts";

const REDACT = [
  "password",
  "*.password",
  "smtpPassword",
  "*.smtpPassword",
  "token",
  "*.token",
  "authorization",
  "*.authorization",
  "cookie",
  "*.cookie",
];

let instance: pino.Logger | undefined;

/** Structured JSON logs on stdout; known secret fields are redacted. */
export function logger(): pino.Logger {
  instance ??= pino({
    level: env().LOG_LEVEL,
    base: { pid: process.pid },
    redact: { paths: REDACT, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
  return instance;
}
