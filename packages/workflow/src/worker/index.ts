/** Public API of workers (re-exported from the package entry). */
export { createWorker } from './worker.js';
export type { Worker, WorkerOptions } from './worker.js';
export { WorkerConfigError } from './errors.js';
