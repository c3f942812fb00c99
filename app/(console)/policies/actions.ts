"use server";

import { addPolicy, changePolicy, removePolicy } from "@/lib/policies/policy-actions.ts";
import { runPolicy } from "@/lib/jobs/run-policy-now.ts";
import { ZPolicyChange, ZPolicyInput, ZPolicyRef } from "@/lib/policies/policy-schema.ts";
import { defineAction } from "@/app/_server/action.ts";

const FILTER_FIELDS = {
  by: true,
  teams: true,
  channels: true,
  excludeChannels: true,
  channelTypes: true,
  users: true,
  notBefore: true,
  notAfter: true,
} as const;
const POLICY_FIELDS = {
  name: true,
  enabled: true,
  format: true,
  target: true,
  timeZone: true,
  batchSize: true,
  exportAttachments: true,
  decryptAttachments: true,
  schedule: { kind: true, at: true, days: true, every: true, expression: true },
  filter: FILTER_FIELDS,
} as const;

export const createPolicyAction = defineAction(
  {
    id: "/policies#create",
    schema: ZPolicyInput,
    right: "configure",
    event: "createPolicy",
    objectType: "policy",
    auditable: POLICY_FIELDS,
  },
  async ({ input }) => {
    const { policy, audit } = await addPolicy(input);
    return { data: { id: policy.id, name: policy.name }, audit };
  },
);

export const patchPolicyAction = defineAction(
  {
    id: "/policies#patch",
    schema: ZPolicyChange,
    right: "configure",
    event: "patchPolicy",
    objectType: "policy",
    auditable: { id: true, patch: POLICY_FIELDS },
  },
  async ({ input }) => {
    const { policy, audit } = await changePolicy(input.id, input.patch);
    return { data: { id: policy.id, name: policy.name }, audit };
  },
);

export const deletePolicyAction = defineAction(
  {
    id: "/policies#delete",
    schema: ZPolicyRef,
    right: "configure",
    event: "deletePolicy",
    objectType: "policy",
    auditable: { id: true },
  },
  async ({ input }) => {
    const { removed, audit } = await removePolicy(input.id);
    return { data: { id: removed }, audit };
  },
);

export const runPolicyAction = defineAction(
  {
    id: "/policies#run",
    schema: ZPolicyRef,
    right: "request",
    event: "runPolicy",
    objectType: "policy",
    auditable: { id: true },
  },
  async ({ input, session }) => {
    const { job, audit } = await runPolicy({
      policy: input.id,
      trigger: "manual",
      initiatedBy: session.user.id,
      initiatedByLabel: session.user.email,
    });
    return { data: { jobId: job.id }, audit };
  },
);
