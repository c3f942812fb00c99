import { z } from "zod";

/** An ingest token's label: 1–100 characters after trimming, no control characters. */
export const ZIngestTokenName = z
  .string()
  .trim()
  .min(1, "Enter a name for the token.")
  .max(100, "Use at most 100 characters.")
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), "Do not use control characters.");

export const ZCreateIngestTokenInput = z.object({ name: ZIngestTokenName });
export type TCreateIngestTokenInput = z.infer<typeof ZCreateIngestTokenInput>;

export const ZIngestTokenRef = z.object({ tokenId: z.string().min(1, "Choose a token.").max(64) });
export type TIngestTokenRef = z.infer<typeof ZIngestTokenRef>;
