import type { Metadata } from "next";
import { forbidden, notFound } from "next/navigation";
import { can } from "@/lib/auth/rights.ts";
import { readJobDetail } from "@/lib/job-detail/read-job-detail.ts";
import { ZJobId } from "@/lib/jobs/schema.ts";
import { JobDetailView } from "@/components/jobs/job-detail-view.tsx";
import { requirePageSession } from "@/app/_server/session.ts";
import {
  cancelJobFromDetailAction,
  holdJobAction,
  releaseJobAction,
  retryDeliveriesAction,
  retryJobAction,
  verifyJobAction,
} from "../actions.ts";

export const dynamic = "force-dynamic";

export async function generateMetadata({
  params,
}: {
  params: Promise<{ id: string }>;
}): Promise<Metadata> {
  return { title: `Job ${(await params).id.slice(0, 8)}` };
}

export default async function JobDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const session = await requirePageSession(`/jobs/${id}`);
  if (!can(session.user, ["request", "download", "configure"])) forbidden();
  const jobId = ZJobId.safeParse(id);
  const detail = jobId.success ? await readJobDetail({ jobId: jobId.data }) : null;
  if (!detail) notFound();
  return (
    <JobDetailView
      detail={detail}
      canRun={can(session.user, "request")}
      canDownload={can(session.user, "download")}
      canHold={can(session.user, { all: ["download", "configure"] })}
      actions={{
        cancel: cancelJobFromDetailAction,
        retry: retryJobAction,
        verify: verifyJobAction,
        hold: holdJobAction,
        release: releaseJobAction,
        retryDeliveries: retryDeliveriesAction,
      }}
    />
  );
}
