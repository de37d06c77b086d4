/**
 * One span per routed LLM call, with the OpenTelemetry GenAI semantic conventions
 * (`gen_ai.*`) plus Weft's route, cost and outcome (`weft.llm.*`). Its parent is the active
 * context: inside a Weft step that is the step attempt's span (the engine runs each attempt in
 * `context.with(span)`), so no package imports the other.
 */
import type { Attributes, Span } from '@opentelemetry/api';
import type { CallRecord } from '../store/usage-store.js';
import { otelIfRegistered } from './otel.js';

/** Names of the attributes on the router's call spans (besides the `gen_ai.*` conventions). */
export const LLM_SPAN_ATTRIBUTES = {
  /** The route the call asked for (`default`, `cheap`, or a `provider/model` id). */
  route: 'weft.llm.route',
  /** The candidates in the order they were tried. */
  candidates: 'weft.llm.candidates',
  /** `ok`, `cache-hit`, `error` or `refused` (a budget refused it). */
  outcome: 'weft.llm.outcome',
  /** The call's cost in USD (0 for a cache hit). */
  costUsd: 'weft.llm.cost_usd',
  /** True when the answering model has no price (its cost counts as 0). */
  unpriced: 'weft.llm.unpriced',
  /** True for `doStream` calls. */
  streamed: 'weft.llm.streamed',
  /** The call's id in the usage store (`router.calls()`). */
  callId: 'weft.llm.call_id',
} as const;

/** The span of a call in flight, and the API's ERROR status code. */
export interface CallSpan {
  span: Span;
  errorCode: number;
}

const modelPart = (id: string): string => id.slice(id.indexOf('/') + 1);
const providerPart = (id: string): string => id.slice(0, Math.max(0, id.indexOf('/')));

/** Opens the span of a call (a child of the active context); `undefined` when tracing is off. */
export function startCallSpan(
  route: string,
  candidates: readonly string[],
  options: { maxOutputTokens?: number; temperature?: number; topP?: number },
): CallSpan | undefined {
  const otel = otelIfRegistered();
  if (!otel) return undefined;
  const first = candidates[0] ?? route;
  const attributes: Attributes = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': modelPart(first),
    [LLM_SPAN_ATTRIBUTES.route]: route,
    [LLM_SPAN_ATTRIBUTES.candidates]: [...candidates],
  };
  if (options.maxOutputTokens !== undefined) attributes['gen_ai.request.max_tokens'] = options.maxOutputTokens;
  if (options.temperature !== undefined) attributes['gen_ai.request.temperature'] = options.temperature;
  if (options.topP !== undefined) attributes['gen_ai.request.top_p'] = options.topP;
  const span = otel.trace
    .getTracer('@weft/llm')
    .startSpan(`chat ${modelPart(first)}`, { kind: otel.SpanKind.CLIENT, attributes });
  return { span, errorCode: otel.SpanStatusCode.ERROR };
}

/** Notes the model's finish reason (`stop`, `length`, `tool-calls`, …) on the call's span. */
export function noteFinishReason(call: CallSpan | undefined, reason: { unified?: string } | string | undefined): void {
  const r = typeof reason === 'string' ? reason : reason?.unified;
  if (call && r) call.span.setAttribute('gen_ai.response.finish_reasons', [r]);
}

/** Ends the call's span from its usage record: model, provider, tokens, cost, fallbacks, errors. */
export function endCallSpan(call: CallSpan | undefined, rec: CallRecord): void {
  if (!call) return;
  const { span } = call;
  const a: Attributes = {
    'gen_ai.usage.input_tokens': rec.inputTokens,
    'gen_ai.usage.output_tokens': rec.outputTokens,
    [LLM_SPAN_ATTRIBUTES.outcome]: rec.outcome,
    [LLM_SPAN_ATTRIBUTES.costUsd]: rec.costUsd,
    [LLM_SPAN_ATTRIBUTES.unpriced]: rec.unpriced,
    [LLM_SPAN_ATTRIBUTES.streamed]: rec.streamed,
    [LLM_SPAN_ATTRIBUTES.callId]: rec.id,
  };
  if (rec.model) {
    a['gen_ai.provider.name'] = providerPart(rec.model);
    a['gen_ai.system'] = providerPart(rec.model); // the older name, still read by many backends
    a['gen_ai.response.model'] = modelPart(rec.model);
  }
  if (rec.cacheReadTokens) a['gen_ai.usage.cache_read.input_tokens'] = rec.cacheReadTokens;
  span.setAttributes(a);
  // Failed attempts and the fallbacks they caused, in the order they happened.
  let previous: string | undefined;
  for (const at of rec.fallbackChain) {
    if (previous !== undefined && at.model !== previous)
      span.addEvent('weft.llm.fallback', { 'weft.llm.from': previous, 'weft.llm.to': at.model });
    previous = at.model;
    if (at.outcome !== 'ok') {
      const e: Attributes = { 'weft.llm.model': at.model, 'weft.llm.attempt.outcome': at.outcome };
      if (at.error !== undefined) e['weft.llm.attempt.error'] = at.error;
      if (at.status !== undefined) e['weft.llm.attempt.status'] = at.status;
      e['weft.llm.attempt.latency_ms'] = at.latencyMs;
      span.addEvent('weft.llm.attempt_failed', e);
    }
  }
  if (rec.outcome === 'error' || rec.outcome === 'refused') {
    const message = rec.error ?? rec.outcome;
    span.recordException({ name: rec.outcome === 'refused' ? 'BudgetRefused' : 'LlmCallFailed', message });
    span.setAttribute('error.type', rec.outcome === 'refused' ? 'budget_refused' : 'call_failed');
    span.setStatus({ code: call.errorCode, message });
  }
  span.end();
}
