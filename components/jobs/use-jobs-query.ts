"use client";

import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import type { JobsPage } from "@/lib/jobs/list-jobs-page.ts";

import type { JobFilters } from "./job-labels.ts";

/** How often an open job table asks whether anything changed; an unchanged answer has no rows. */
export const JOBS_POLL_MS = 2000;

function search(filters: JobFilters, since?: string): string {
  const params = new URLSearchParams({ poll: "1" });
  for (const [k, v] of Object.entries(filters))
    if (v !== undefined && v !== "") params.set(k, String(v));
  if (since) params.set("since", since);
  return params.toString();
}

/**
 * The job table's data: the page for these filters, polled every 2 s with the revision last seen,
 * so a job started anywhere (console, API, CLI, scheduler, another instance) shows up within one
 * poll, while an idle table costs one tiny "unchanged" answer per poll.
 */
export function useJobsQuery(filters: JobFilters, initial?: JobsPage) {
  const queryClient = useQueryClient();
  const key = ["jobs", filters] as const;
  return useQuery({
    queryKey: key,
    queryFn: async ({ signal }): Promise<JobsPage> => {
      const previous = queryClient.getQueryData<JobsPage>(key);
      const res = await fetch(`/api/v1/jobs?${search(filters, previous?.revision)}`, {
        cache: "no-store",
        signal,
      });
      if (!res.ok) throw new Error(`Could not refresh the jobs (HTTP ${res.status}).`);
      const page = (await res.json()) as JobsPage;
      return page.changed || !previous ? page : { ...previous, revision: page.revision };
    },
    initialData: initial,
    placeholderData: keepPreviousData,
    refetchInterval: JOBS_POLL_MS,
  });
}
