export type AttestationMismatch = {
  policyId: string;
  channelId: string;
  day: string;
  attested: number;
  received: number;
};

/**
 * Days where the chat system's attested per-channel counts differ from what arrived (PRODUCT.md §9).
 * Attestations are not ingested yet (issue 10 adds them and extends this reader); until then there
 * is nothing to compare, so nothing is returned.
 */
export async function readAttestationMismatches(_options: {
  since: Date;
}): Promise<AttestationMismatch[]> {
  return [];
}
