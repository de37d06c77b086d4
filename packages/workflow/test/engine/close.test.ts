/**
 * engine.close(): no work after it, in-flight runs waited for or handed back, timers stopped, and
 * (in a child process under --expose-gc) closed engines and workers are garbage collected.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEngine, createMemoryStore, EngineClosedError, workflow } from '../../src/index.js';

const HOOKS = fileURLToPath(new URL('../../../../scripts/ts-hooks.mjs', import.meta.url));
const CHILD = fileURLToPath(new URL('./fixtures/gc-child.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'weft-close-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function slow(gate: Promise<void>) {
  return workflow({ id: 'slow', input: z.number() })
    .step('wait', async ({ input }) => {
      await gate;
      return input;
    })
    .step('done', async ({ input }) => input + 1)
    .commit();
}

describe('engine.close()', () => {
  it('waits for in-flight runs by default, then refuses new work with EngineClosedError', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => {
      open = r;
    });
    const wf = slow(gate);
    const engine = createEngine({ workflows: [wf], logger: quiet });
    const pending = engine.run(wf).start({ input: 1 });
    await new Promise((r) => setTimeout(r, 10));
    let closed = false;
    const closing = engine.close().then(() => {
      closed = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(closed).toBe(false); // still waiting for the run
    open();
    expect(await pending).toMatchObject({ status: 'success', output: 2 });
    await closing;
    expect(closed).toBe(true);
    expect(() => engine.run(wf)).toThrow(EngineClosedError);
    await expect(engine.enqueue(wf, 1)).rejects.toBeInstanceOf(EngineClosedError);
    expect(() => engine.recover()).toThrow(EngineClosedError);
    await expect(engine.close()).resolves.toBeUndefined(); // idempotent
  });

  it("inFlight: 'release' hands the run back: its lease is released and another engine finishes it at once", async () => {
    const store = createMemoryStore();
    const never = new Promise<void>(() => {});
    const a = createEngine({ store, workflows: [slow(never)], leaseMs: 60_000, logger: quiet });
    const pending = a
      .run(slow(never))
      .start({ input: 1 })
      .catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 10));
    await a.close({ inFlight: 'release' });
    const handedBack = await pending;
    expect(handedBack).toBeInstanceOf(EngineClosedError);
    const [rec] = (await store.listRuns()).runs;
    expect(rec).toMatchObject({ status: 'running', leaseOwner: a.ownerId });
    expect(rec?.leaseExpiresAt).toBeLessThanOrEqual(Date.now());
    const b = createEngine({ store, workflows: [slow(Promise.resolve())], logger: quiet });
    expect(await b.recover()).toMatchObject([{ status: 'success', output: 2 }]);
    await b.close();
  });

  it('await using closes the engine at the end of the scope', async () => {
    const wf = slow(Promise.resolve());
    let escaped: ReturnType<typeof createEngine> | undefined;
    {
      await using engine = createEngine({ workflows: [wf] });
      escaped = engine;
      expect(await engine.run(wf).start({ input: 1 })).toMatchObject({ status: 'success' });
    }
    expect(() => escaped?.run(wf)).toThrow(EngineClosedError);
  });

  it('closed engines and workers are garbage collected and leave no timer behind (child, --expose-gc)', async () => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', HOOKS, CHILD, dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code, err).toBe(0);
    const line = out.split('\n').find((l) => l.startsWith('RESULT '));
    const result = JSON.parse(line?.slice(7) ?? '{}') as {
      created: number;
      collected: number;
      resources: string[];
    };
    expect(result.collected).toBe(result.created);
    expect(result.resources.filter((r) => r === 'Timeout' || r === 'Immediate')).toEqual([]);
    console.log(`gc: ${JSON.stringify(result)}`);
  }, 60_000);
});
