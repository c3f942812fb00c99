export type LateArrival = { policyId: string; jobId: string; count: number; at: number };

/**
 * Records that arrived after the run that should have exported them (PRODUCT.md §9). Nothing
 * records them yet: the change feed that detects late arrivals is issue 8's work, which extends
 * this reader to read them. Until then there is nothing to report, so nothing is returned.
 */
export async function readLateArrivals(_options: { since: Date }): Promise<LateArrival[]> {
  return [];
}
