import { defineConfig } from 'tsup';

// ESM only: Node >= 22.12 loads it from `require()` too (require(esm)); see the root README.
// Two entries: the library and the browser-safe `@weft/workflow/client` (the SSE client only; its
// chunk imports no Node module: test/authoring/client-entry.test.ts, scripts/pack-test.mjs).
export default defineConfig({
  entry: ['src/index.ts', 'src/client.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node22',
  tsconfig: 'tsconfig.build.json',
});
