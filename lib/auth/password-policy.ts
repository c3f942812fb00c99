import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as en from "@zxcvbn-ts/language-en";
import { UserError } from "../errors/user-error.ts";

// The one password policy (set-up, set-password links, change password, the CLI): the shape rules
// of ZNewPassword, plus zxcvbn's estimate with its common-password and English dictionaries, the
// account's email and its parts counting as words an attacker tries first. Server-side only: the
// dictionaries are too big for the browser bundle.
export const MIN_SCORE = 3;

let checker: ZxcvbnFactory | undefined;

function zxcvbn(): ZxcvbnFactory {
  checker ??= new ZxcvbnFactory({
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...en.dictionary },
    translations: en.translations,
  });
  return checker;
}

const compact = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");

/** The email, its local part and domain, and their pieces: "jane.doe@example.com" → jane, doe, janedoe, example, … */
export function emailWords(email: string): string[] {
  const lower = email.trim().toLowerCase();
  const [local = "", domain = ""] = lower.split("@");
  const words = [
    lower,
    local,
    domain,
    compact(local),
    ...local.split(/[._+-]+/),
    ...domain.split(".").slice(0, -1),
  ];
  return [...new Set(words.filter((w) => w.length >= 3))];
}

/** What is wrong with a new password, or null when it is acceptable. */
export function passwordProblem(password: string, options: { email?: string } = {}): string | null {
  if (password.length < 12) return "Use at least 12 characters.";
  if (password.length > 256) return "Use at most 256 characters.";
  if (new Set(password).size <= 3) return "Use more than a few different characters.";
  if (options.email) {
    const pw = compact(password);
    if (pw === compact(options.email) || pw === compact(options.email.split("@")[0] ?? ""))
      return "Do not use your email address as the password.";
  }
  const words = options.email ? emailWords(options.email) : [];
  const result = zxcvbn().check(password, words);
  if (result.score >= MIN_SCORE) {
    // zxcvbn multiplies the guesses of each piece, so "janedoe-example" can pass for
    // jane.doe@example.com: what is left without the email's words must stand on its own.
    const rest = words.reduce((p, w) => p.split(w).join(" "), password.toLowerCase()).trim();
    if (rest === password.toLowerCase().trim() || zxcvbn().check(rest).score >= MIN_SCORE)
      return null;
    return "This password is mostly your email address. Try a longer passphrase of several unrelated words.";
  }
  const why = result.feedback.warning ? ` ${result.feedback.warning}` : "";
  return `This password is too easy to guess.${why} Try a longer passphrase of several unrelated words.`;
}

/** Throws the field error the forms show beside the password field. */
export function assertPasswordPolicy(
  password: string,
  options: { email?: string; field?: string } = {},
): void {
  const problem = passwordProblem(password, options);
  if (problem) throw new UserError(problem, 400, { [options.field ?? "password"]: problem });
}
