/**
 * `@weft/workflow/client` is browser-safe: bundled by esbuild (the bundler tsup builds with) for the
 * browser platform, with nothing external, it resolves no Node builtin and pulls in no other module
 * than the SSE client. (scripts/pack-test.mjs checks the built `dist/client.js` graph the same way.)
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import * as client from '@weft/workflow/client';
import { createEngine, createSseHandler, workflow } from '../../src/index.js';

const PKG = fileURLToPath(new URL('../..', import.meta.url));
const browserBundle = (entry: string) =>
  build({
    entryPoints: [entry],
    absWorkingDir: PKG,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });

describe('@weft/workflow/client', () => {
  it('bundles for the browser with no Node builtin and only the client module', async () => {
    const out = await browserBundle('src/client.ts');
    expect(out.errors).toEqual([]);
    expect(Object.keys(out.metafile.inputs).sort()).toEqual(['src/client.ts', 'src/stream/client.ts']);
    const code = out.outputFiles[0]?.text ?? '';
    expect(code).toContain('subscribeRun');
    expect(code).not.toMatch(/\bfrom\s*["'](node:)?(fs|net|http|crypto|path|url|stream|events|os)["']/);
    expect(code).not.toMatch(/["']node:/);
    // The check bites: the main entry (stores, engine) does not bundle for the browser.
    await expect(browserBundle('src/index.ts')).rejects.toThrow(/node:|Could not resolve/);
  });

  it('exports only the client, and it reads a real SSE stream', async () => {
    expect(Object.keys(client)).toEqual(['subscribeRun']);
    const wf = workflow({ id: 'client-entry' })
      .step('say', async ({ writer }) => {
        writer.write('hi');
        return 'done';
      })
      .commit();
    const engine = createEngine({ workflows: [wf] });
    const handler = createSseHandler(engine);
    const server = createServer(async (req, res) => {
      const r = await handler(new Request(`http://x${req.url}`, { headers: req.headers as Record<string, string> }));
      res.writeHead(r.status, Object.fromEntries(r.headers));
      const reader = r.body?.getReader();
      for (let c = await reader?.read(); c && !c.done; c = await reader?.read()) res.write(c.value);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const run = engine.run(wf);
      await run.start({ input: undefined });
      const types: string[] = [];
      for await (const e of client.subscribeRun(`http://127.0.0.1:${port}/runs/${run.runId}/events`))
        types.push(e.type);
      expect(types).toContain('step:stream');
      expect(types.at(-1)).toBe('run:success');
    } finally {
      server.close();
      await engine.close();
    }
  });
});
