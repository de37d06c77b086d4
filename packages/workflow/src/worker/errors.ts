/** Errors of the worker. */
import { StoreError } from '../store/kysely/errors.js';

/** Invalid worker options. */
export class WorkerConfigError extends StoreError {
  constructor(message: string) {
    super('WEFT_WORKER_CONFIG', message);
  }
}
