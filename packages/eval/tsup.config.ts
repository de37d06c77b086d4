import { defineConfig } from 'tsup';

// ESM only: Node >= 22.12 loads it from `require()` too (require(esm)); see the root README.
// Three entries: the library, the `weft-eval` bin, and the `@weft/eval/vitest` subpath (the only
// one importing vitest, an optional peer dependency).
export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts', 'src/vitest.ts'],
  format: ['esm'],
  dts: { entry: ['src/index.ts', 'src/vitest.ts'] },
  clean: true,
  sourcemap: true,
  target: 'node22',
  tsconfig: 'tsconfig.build.json',
  external: ['vitest'],
});
