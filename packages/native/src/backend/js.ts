/** The pure TypeScript backend: works everywhere, same results as the addon. */
import { outline } from '../outline/outline.js';
import { skeleton } from '../outline/skeleton.js';
import { criticalPath, topoBatches } from '../topo/topo.js';
import { parseWorkspaceJs } from '../workspace/parse-workspace.js';
import type { Backend } from './types.js';

export const jsBackend: Backend = {
  name: 'js',
  outline,
  skeleton,
  parseWorkspace: parseWorkspaceJs,
  topoBatches,
  criticalPath,
};
