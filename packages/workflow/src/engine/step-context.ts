/** The context object a step attempt sees as `ctx` (created only when the step reads it). */
import type { LogLevel } from '../logs/run-logs.js';
import type { Logger } from '../step/types.js';
import { createWriter, type StepWriter } from '../stream/writer.js';
import type { RunExec } from './run-state.js';

/** One attempt's `ctx`: ids, signal, resources, a logger that also stores lines with the run, state. */
export class Ctx {
  readonly runId: string;
  readonly workflowId: string;
  readonly stepId: string;
  readonly path: string;
  readonly attempt: number;
  readonly signal: AbortSignal;
  readonly resources: Record<string, unknown>;
  #x: RunExec;
  #logger: Logger | undefined;
  constructor(x: RunExec, stepId: string, path: string, attempt: number, signal: AbortSignal) {
    this.#x = x;
    this.runId = x.runId;
    this.workflowId = x.workflow.id;
    this.stepId = stepId;
    this.path = path;
    this.attempt = attempt;
    this.signal = signal;
    this.resources = x.resources;
  }
  get idempotencyKey(): string {
    return `${this.runId}:${this.path}`;
  }
  get logger(): Logger {
    if (!this.#logger) {
      const base = this.#x.core.logger;
      const bind = { runId: this.runId, workflowId: this.workflowId, path: this.path, attempt: this.attempt };
      const x = this.#x;
      const path = this.path;
      const attempt = this.attempt;
      // Forwarded to the engine's logger (with the run's coordinates) and stored with the run.
      const line =
        (level: LogLevel) =>
        (m: string, d?: Record<string, unknown>): void => {
          base[level](m, { ...bind, ...d });
          x.log(path, attempt, level, m, d);
        };
      this.#logger = { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
    }
    return this.#logger;
  }
  emit(type: string, data?: unknown): void {
    this.#x.custom(type, this.path, data);
  }
  #writer: StepWriter | undefined;
  get writer(): StepWriter {
    this.#writer ??= createWriter(this.#x, this.path, this.attempt);
    return this.#writer;
  }
  get state(): Readonly<Record<string, unknown>> {
    return this.#x.state;
  }
  setState(patch: Record<string, unknown>): void {
    this.#x.setState(this.path, patch);
  }
}
