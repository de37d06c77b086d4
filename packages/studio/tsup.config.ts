import { defineConfig } from 'tsup';

// ESM only: Node >= 22.12 loads it from `require()` too (require(esm)); see the root README.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node22',
  tsconfig: 'tsconfig.build.json',
});
