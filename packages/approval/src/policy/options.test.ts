import { describe, expect, it } from 'vitest';
import { authorizeActor } from './authorize.js';
import { parseDuration } from './duration.js';
import { approvalPolicy, normalizeGateOptions } from './options.js';

const req = { id: 'apr_1', runId: 'r1', workflowId: 'wf', path: 'review', payload: { amount: 5 }, escalated: false };

describe('gate options', () => {
  it('parses durations', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration(42)).toBe(42);
    expect(() => parseDuration('soon' as never)).toThrow(/Expected duration like/);
    expect(() => parseDuration(-1)).toThrow(/non-negative/);
  });

  it('normalizes defaults and validates early', () => {
    expect(normalizeGateOptions({})).toMatchObject({
      open: true,
      quorum: 1,
      rejections: 1,
      allowEdit: false,
      onTimeout: 'reject',
      remindBeforeMs: [],
    });
    expect(normalizeGateOptions({ approvers: ['a', 'b'], timeout: '2h', remindBefore: ['1h', '10m'] })).toMatchObject({
      users: ['a', 'b'],
      open: false,
      timeoutMs: 7_200_000,
      remindBeforeMs: [3_600_000, 600_000],
    });
    expect(() => approvalPolicy({ quorum: 0 })).toThrow(/quorum to be an integer from 1 and up/);
    expect(() => approvalPolicy({ onTimeout: 'escalate' })).toThrow(/escalateTo/);
    // Policy functions are dropped by JSON, but the flag survives.
    const stored = JSON.parse(JSON.stringify(normalizeGateOptions({ approvers: { policy: () => true } })));
    expect(normalizeGateOptions(stored)).toMatchObject({ hasPolicy: true, open: false });
  });

  it('authorizes by user, group, policy, and escalation targets', () => {
    const o = normalizeGateOptions({
      approvers: { users: ['alice'], groups: ['leads'] },
      onTimeout: 'escalate',
      escalateTo: { users: ['boss'] },
    });
    expect(authorizeActor({ id: 'alice' }, o, req, undefined)).toBeUndefined();
    expect(authorizeActor({ id: 'bob', groups: ['leads'] }, o, req, undefined)).toBeUndefined();
    expect(authorizeActor({ id: 'mallory', groups: ['devs'] }, o, req, undefined)).toMatch(/not among the approvers/);
    expect(authorizeActor({ id: 'boss' }, o, req, undefined)).toMatch(/not among/);
    expect(authorizeActor({ id: 'boss' }, o, { ...req, escalated: true }, undefined)).toBeUndefined();
    const p = normalizeGateOptions({ approvers: { policy: () => true } });
    const small = (actor: { id: string }, r: { payload: unknown }) =>
      actor.id === 'carol' && (r.payload as { amount: number }).amount < 10;
    expect(authorizeActor({ id: 'carol' }, p, req, small)).toBeUndefined();
    expect(authorizeActor({ id: 'dave' }, p, req, small)).toMatch(/policy function denied/);
    expect(authorizeActor({ id: 'carol' }, p, req, undefined)).toMatch(/was not given the workflow/);
    const throwing = () => {
      throw new Error('boom');
    };
    expect(authorizeActor({ id: 'carol' }, p, req, throwing)).toMatch(/threw \(boom\)/);
    expect(authorizeActor({ id: '' }, normalizeGateOptions({}), req, undefined)).toMatch(/no id/);
  });
});

describe('policy flags survive JSON', () => {
  it('approvalPolicy() marks gates with a policy function, and an emptied approvers object fails closed', () => {
    const marked = approvalPolicy({ approvers: { policy: () => true } });
    expect(marked.hasPolicy).toBe(true);
    const json = JSON.parse(JSON.stringify(marked));
    const o = normalizeGateOptions(json);
    expect(o).toMatchObject({ hasPolicy: true, open: false });
    expect(authorizeActor({ id: 'anyone' }, o, req, undefined)).toMatch(/was not given the workflow/);
    expect(normalizeGateOptions({ approvers: {} })).toMatchObject({ hasPolicy: true, open: false });
    expect(approvalPolicy({ approvers: ['a'] })).not.toHaveProperty('hasPolicy');
  });
});
