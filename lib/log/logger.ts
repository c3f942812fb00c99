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
let destination: pino.DestinationStream | undefined;

/**
 * Structured JSON logs (stdout for the server and the worker; the CLI sends them to stderr, see
 * useLogDestination); known secret fields are redacted.
 */
export function logger(): pino.Logger {
  if (instance) return instance;
  const options: pino.LoggerOptions = {
    level: env().LOG_LEVEL,
    base: { pid: process.pid },
    redact: { paths: REDACT, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  instance = destination ? pino(options, destination) : pino(options);
  return instance;
}

/** Where the process's logs go; call before the first log line (the CLI keeps stdout for results). */
export function useLogDestination(stream: pino.DestinationStream): void {
  destination = stream;
  instance = undefined;
}
