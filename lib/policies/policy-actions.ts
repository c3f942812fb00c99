import type { AuditDetails } from "../audit/record.ts";
import { db } from "../db/client.ts";
import { UserError } from "../errors/user-error.ts";
import { previewPolicy } from "./preview-policy.ts";
import { findPolicy } from "./policy-store.ts";
import type { TPolicyParsed, TPolicyPatch } from "./policy-schema.ts";
import { readPolicyView, type PolicyView } from "./policy-view.ts";
import {
  archivePolicy,
  auditShape,
  createPolicy,
  patchPolicy,
  resolveFilter,
} from "./save-policy.ts";
import type { PolicyFilter } from "./policy-filter.ts";

// The services behind the policy routes, console actions and CLI commands: each does one thing and
// says what its audit record (createPolicy, patchPolicy with config_diffs, deletePolicy, runPolicy) holds.

type Audited<T> = T & {
  audit: Pick<AuditDetails, "priorState" | "resultingState"> & {
    parameters: Record<string, string | number | boolean | null>;
  };
};

async function viewOf(id: string): Promise<PolicyView> {
  const view = await readPolicyView(id);
  if (!view) throw new UserError("No such export policy.", 404);
  return view;
}

/** A policy by id or name (archived ones too: their jobs name them), or 404. */
export async function policyRef(idOrName: string): Promise<PolicyView> {
  return viewOf(idOrName);
}

export async function addPolicy(
  input: TPolicyParsed,
  now?: Date,
): Promise<Audited<{ policy: PolicyView }>> {
  const saved = await createPolicy({ input, now });
  return {
    policy: await viewOf(saved.after.id),
    audit: {
      parameters: { policy_id: saved.after.id },
      priorState: { config_diffs: saved.diffs },
      resultingState: { policy_id: saved.after.id, name: saved.after.name },
    },
  };
}

export async function changePolicy(
  idOrName: string,
  patch: TPolicyPatch,
  now?: Date,
): Promise<Audited<{ policy: PolicyView; changed: boolean }>> {
  const current = await findPolicy(idOrName);
  if (!current || current.archivedAt) throw new UserError("No such export policy.", 404);
  const saved = await patchPolicy({ id: current.id, patch, now });
  return {
    policy: await viewOf(saved.after.id),
    changed: saved.diffs.length > 0,
    audit: {
      parameters: { policy_id: current.id },
      priorState: { config_diffs: saved.diffs },
      resultingState: { policy_id: saved.after.id, name: saved.after.name },
    },
  };
}

export async function removePolicy(
  idOrName: string,
  now?: Date,
): Promise<Audited<{ removed: string }>> {
  const current = await findPolicy(idOrName);
  if (!current || current.archivedAt) throw new UserError("No such export policy.", 404);
  const archived = await archivePolicy({ id: current.id, now });
  const jobs = await db().exportJob.count({ where: { policyId: archived.id } });
  return {
    removed: archived.id,
    audit: {
      parameters: { policy_id: archived.id },
      priorState: {
        ...auditShape(current),
        filter: JSON.stringify(current.filter),
        schedule: JSON.stringify(current.schedule),
      },
      resultingState: { archived_at: archived.archivedAt!.toISOString(), jobs_kept: jobs },
    },
  };
}

/** The preview of a filter being edited: names resolved to ids first (an unknown name is a field error). */
export async function previewFilter(filter: PolicyFilter, now?: Date) {
  return previewPolicy({ filter: await resolveFilter(db(), filter), now });
}
