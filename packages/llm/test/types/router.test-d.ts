import type { LanguageModelV4 } from '@ai-sdk/provider';
import { generateText, type LanguageModel } from 'ai';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type BudgetScope,
  BudgetExceededError,
  type CallRecord,
  createOfflineModel,
  createRouter,
  type QualityStore,
  type Router,
  type UsageSummary,
  type WeftCallMetadata,
  weftMetadata,
} from '../../src/index.js';

const router = createRouter({ providers: {}, routes: { default: ['offline/a'] } });

describe('router types', () => {
  it('routed models are AI SDK models', () => {
    expectTypeOf(router.model()).toEqualTypeOf<LanguageModelV4>();
    expectTypeOf(router.model('default')).toExtend<LanguageModel>();
    expectTypeOf(createOfflineModel()).toExtend<LanguageModel>();
    void generateText({ model: router.task('summarize'), prompt: 'x' });
  });

  it('requires providers and well-typed options', () => {
    // @ts-expect-error providers is required
    createRouter({ routes: { default: ['offline/a'] } });
    // @ts-expect-error budgets are numbers of USD
    createRouter({ providers: {}, budgets: { perRunUsd: '1' } });
    createRouter({
      providers: {},
      budgets: { perRunTokens: { input: 1, output: 2, total: 3 }, unpricedModels: 'error' },
    });
    // @ts-expect-error token limits are input / output / total
    createRouter({ providers: {}, budgets: { perDayTokens: { prompt: 1 } } });
    // @ts-expect-error unpricedModels is 'error' or 'count-as-zero'
    createRouter({ providers: {}, budgets: { perRunUsd: 1, unpricedModels: 'warn' } });
    // @ts-expect-error a cache needs a TTL
    createRouter({ providers: {}, cache: {} });
  });

  it('context, usage and metadata', async () => {
    const stepCtx = { runId: 'r', stepId: 's', workflowId: 'w', attempt: 1, resources: {} };
    expectTypeOf(router.withContext(stepCtx)).toEqualTypeOf<Router>();
    expectTypeOf(await router.usage()).toEqualTypeOf<UsageSummary>();
    expectTypeOf(await router.calls()).toEqualTypeOf<CallRecord[]>();
    const result = await generateText({ model: router.model(), prompt: 'x' });
    expectTypeOf(weftMetadata(result)).toEqualTypeOf<WeftCallMetadata | undefined>();
  });

  it('errors and stores', () => {
    expectTypeOf<BudgetExceededError['scope']>().toEqualTypeOf<BudgetScope>();
    expectTypeOf<BudgetScope>().toEqualTypeOf<'run' | 'workflow' | 'day'>();
    expectTypeOf<QualityStore['read']>().returns.resolves.toEqualTypeOf<
      { model: string; count: number; meanScore: number }[]
    >();
    expectTypeOf(
      new BudgetExceededError({ scope: 'run', key: 'r', limitUsd: 1, committedUsd: 1, estimateUsd: 1 }).code,
    ).toEqualTypeOf<import('../../src/index.js').LlmErrorCode>();
  });
});

describe('the router as a workflow resource (types)', () => {
  it('implements @weft/workflow step scopes structurally, without either package importing the other', () => {
    const router = createRouter({ providers: {} });
    expectTypeOf(router).toExtend<import('@weft/workflow').StepScoped>();
    expectTypeOf<import('../../src/index.js').LlmScope>().toExtend<Partial<import('@weft/workflow').StepScope>>();
  });
});
