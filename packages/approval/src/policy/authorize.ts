import type { ApprovalActor, ApprovalPolicyFn, ApprovalPolicyRequest, NormalizedGateOptions } from './options.js';

/**
 * Decides whether `actor` may vote. Returns undefined when allowed, else the reason (shown in
 * ApprovalForbiddenError). A policy that throws denies: failing closed is the only safe default.
 */
export function authorizeActor(
  actor: ApprovalActor,
  options: NormalizedGateOptions,
  request: ApprovalPolicyRequest & { escalated: boolean },
  policy: ApprovalPolicyFn | undefined,
): string | undefined {
  if (!actor || typeof actor.id !== 'string' || actor.id.length === 0) return 'the actor has no id';
  if (options.open && !request.escalated) return undefined;
  const users = new Set(options.users);
  const groups = new Set(options.groups);
  if (request.escalated && options.escalateTo) {
    for (const u of options.escalateTo.users) users.add(u);
    for (const g of options.escalateTo.groups) groups.add(g);
  }
  if (users.has(actor.id)) return undefined;
  if ((actor.groups ?? []).some((g) => groups.has(g))) return undefined;
  if (options.hasPolicy) {
    if (!policy) return 'the gate has a policy function but the service was not given the workflow that defines it';
    try {
      if (policy(actor, request) === true) return undefined;
    } catch (err) {
      return `the policy function threw (${(err as Error)?.message ?? String(err)})`;
    }
    return 'the policy function denied it';
  }
  if (options.open) return undefined;
  return `not among the approvers (users: ${[...users].join(', ') || 'none'}; groups: ${[...groups].join(', ') || 'none'})`;
}
