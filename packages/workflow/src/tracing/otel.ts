/**
 * Loading `@opentelemetry/api` lazily: only once a tracer provider is registered, and only once.
 *
 * The API is an optional peer dependency. Whether a provider is registered is read from the
 * API's own global slot (`globalThis[Symbol.for('opentelemetry.js.api.1')].trace`, set by
 * `trace.setGlobalTracerProvider` / `provider.register()`), so an application without
 * OpenTelemetry never loads it: no import, no extra memory, one property read per run.
 */
import { createRequire } from 'node:module';
import type * as OtelApi from '@opentelemetry/api';

/** The `@opentelemetry/api` module, as loaded. */
export type Otel = typeof OtelApi;

const GLOBAL_KEY = Symbol.for('opentelemetry.js.api.1');

/** `null`: looked for and not installed. */
let loaded: Otel | null | undefined;

/** True when some `@opentelemetry/api` 1.x registered a global tracer provider. */
export function tracerProviderRegistered(): boolean {
  const slot = (globalThis as Record<symbol, { trace?: unknown } | undefined>)[GLOBAL_KEY];
  return slot?.trace !== undefined;
}

/**
 * The OpenTelemetry API when a tracer provider is registered, else `undefined` (tracing off).
 * Resolved from this package's location, so it is the application's copy of the peer.
 */
export function activeOtel(): Otel | undefined {
  if (!tracerProviderRegistered()) return undefined;
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)('@opentelemetry/api') as Otel;
    } catch {
      loaded = null; // a provider from a copy of the API this package cannot resolve: stay off
    }
  }
  return loaded ?? undefined;
}
