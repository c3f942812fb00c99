import { z } from "zod";

// One policy for every address an admin types (sign-in, archive mailbox, notifications): a plain
// ASCII addr-spec. Quoted local parts, display names, lists, CR/LF and IDN are refused rather than
// guessed at, because these addresses end up in SMTP envelopes and headers (RELIABILITY.md).
const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export function emailProblem(value: string): string | undefined {
  if (value.length === 0) return "Enter an email address.";
  if (value !== value.trim()) return "Remove the spaces around the address.";
  if (value.length > 254) return "The address is longer than 254 characters.";
  const at = value.lastIndexOf("@");
  if (at <= 0 || at === value.length - 1) return "Enter an address like name@example.com.";
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local.length > 64) return "The part before @ is longer than 64 characters.";
  if (!LOCAL.test(local))
    return "The part before @ may use letters, digits and . ! # $ % & ' * + / = ? ^ _ ` { | } ~ - only.";
  const labels = domain.split(".");
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)))
    return "The domain must be a name like example.com (ASCII; write international domains in their xn-- form).";
  return undefined;
}

export const ZEmail = z.string().superRefine((value, ctx) => {
  const problem = emailProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});
