import { defineConfig } from 'tsup';

// ESM only (Node >= 22.12 loads it from `require()` too). Two entries: the library (`runCli`) and
// the `weft` bin, which keeps its shebang.
export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  clean: true,
  sourcemap: true,
  target: 'node22',
  tsconfig: 'tsconfig.build.json',
});
