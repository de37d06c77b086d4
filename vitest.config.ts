import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Tests run against the sources: each @weft/* import resolves to its package's src/index.ts, so a
// test never depends on a stale build. The pack test (scripts/pack-test.mjs) covers the built output.
const alias = {
  // Subpaths first: an alias matches as a prefix, so '@weft/workflow' would swallow them.
  '@weft/workflow/client': fileURLToPath(new URL('./packages/workflow/src/client.ts', import.meta.url)),
  '@weft/workflow': src('workflow'),
  '@weft/native': src('native'),
  '@weft/llm': src('llm'),
  '@weft/approval': src('approval'),
  '@weft/eval': src('eval'),
  '@weft/cli': src('cli'),
  '@weft/studio': src('studio'),
};

const project = (name: string, dir: string, extra: Record<string, unknown> = {}) => ({
  resolve: { alias },
  test: {
    name,
    root: fileURLToPath(new URL(dir, import.meta.url)),
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    typecheck: { enabled: true, include: ['test/types/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    ...extra,
  },
});

export default defineConfig({
  test: {
    projects: [
      project('workflow', './packages/workflow'),
      project('native', './packages/native'),
      project('llm', './packages/llm'),
      project('approval', './packages/approval'),
      project('eval', './packages/eval'),
      project('cli', './packages/cli'),
      project('studio', './packages/studio'),
      project('examples', './examples', { include: ['test/**/*.test.ts'] }),
      project('repo', './scripts', { include: ['test/**/*.test.ts'] }),
    ],
  },
});
