/** A problem with what the user typed: printed without a stack, exit code 2. */
export class CliUsageError extends Error {
  readonly exitCode = 2;
}

export type CliCommand = {
  summary: string;
  usage: string;
  run: (argv: string[]) => Promise<number>;
};
