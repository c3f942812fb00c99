/** A problem with what the user typed: printed with the usage, without a stack, exit code 2. */
export class CliUsageError extends Error {
  readonly exitCode = 2;
}
