/** The pure TypeScript backend: works everywhere, same results as the addon. */
import { criticalPath, topoBatches } from '../topo/topo.js';
import type { Backend } from './types.js';

export const jsBackend: Backend = {
  name: 'js',
  topoBatches,
  criticalPath,
};
