import { z } from "zod";

export const API_TOKEN_PREFIX = "cua_";
export const API_TOKEN_MAX_DAYS = 365;

/** Creating an admin API token: the Account page's form, and `cli token create --kind api`. */
export const ZApiTokenInput = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, "Give the token a name, e.g. what uses it.")
      .max(100, "Use at most 100 characters."),
    expiresInDays: z.coerce
      .number()
      .int("Give a whole number of days.")
      .min(1, "At least 1 day.")
      .max(API_TOKEN_MAX_DAYS, `At most ${API_TOKEN_MAX_DAYS} days.`)
      .default(90),
  })
  .strict();
export type TApiTokenInput = z.input<typeof ZApiTokenInput>;

export const ZApiTokenRef = z.object({ tokenId: z.string().min(1).max(100) }).strict();
