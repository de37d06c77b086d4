/**
 * `@opentelemetry/api` (an optional peer), loaded only once a tracer provider is registered —
 * read from the API's global slot, so an application without OpenTelemetry never loads it.
 * (`@weft/llm` stands alone: this is its own copy of the loader `@weft/workflow` also has.)
 */
import { createRequire } from 'node:module';
import type * as OtelApi from '@opentelemetry/api';

/** The loaded API module. */
export type Otel = typeof OtelApi;

const SLOT = Symbol.for('opentelemetry.js.api.1');
let api: Otel | null | undefined;

/** The API when some tracer provider is registered; `undefined` means: trace nothing. */
export function otelIfRegistered(): Otel | undefined {
  if ((globalThis as Record<symbol, { trace?: unknown } | undefined>)[SLOT]?.trace === undefined) return undefined;
  if (api === undefined) {
    try {
      api = createRequire(import.meta.url)('@opentelemetry/api') as Otel;
    } catch {
      api = null;
    }
  }
  return api ?? undefined;
}
