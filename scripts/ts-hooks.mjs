// Lets plain `node` (>= 22.18, which strips TypeScript types) run the repo's TypeScript sources:
// `node --import ./scripts/ts-hooks.mjs some-script.ts`. Two mappings, the same ones vitest applies:
// a relative `./x.js` import resolves to `./x.ts` when only the .ts file exists, and `@weft/<pkg>`
// resolves to `packages/<pkg>/src/index.ts`. Used by child processes in integration tests (crash,
// multi-worker, cross-process resume), so they run the sources under test, not a stale build.
import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packages = fileURLToPath(new URL('../packages/', import.meta.url));

registerHooks({
  resolve(specifier, context, nextResolve) {
    const weft = /^@weft\/([a-z-]+)$/.exec(specifier);
    if (weft) {
      const file = `${packages}${weft[1]}/src/index.ts`;
      if (existsSync(file)) return { url: pathToFileURL(file).href, shortCircuit: true };
    }
    if (specifier.endsWith('.js') && (specifier.startsWith('./') || specifier.startsWith('../')) && context.parentURL) {
      const asTs = new URL(specifier.slice(0, -3) + '.ts', context.parentURL);
      if (asTs.protocol === 'file:' && existsSync(fileURLToPath(asTs))) return { url: asTs.href, shortCircuit: true };
    }
    return nextResolve(specifier, context);
  },
});
