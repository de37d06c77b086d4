import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WeftEvalError } from '../errors/errors.js';
import { parseCsv } from './csv.js';
import { hashValue, loadData } from './dataset.js';

describe('loadData', () => {
  it('normalizes arrays: ids from the input hash, duplicates suffixed', async () => {
    const items = await loadData([{ input: 'a', expected: 'A' }, { input: 'a' }, { id: 'x', input: 'b', tags: ['t'] }]);
    expect(items.map((i) => i.id)).toEqual([hashValue('a'), `${hashValue('a')}#1`, 'x']);
    expect(items[2]).toEqual({ id: 'x', input: 'b', expected: undefined, tags: ['t'], metadata: {} });
  });

  it('reads async generators and functions returning iterables', async () => {
    async function* gen() {
      yield { input: 1, expected: 2 };
      yield { input: 2, expected: 4 };
    }
    expect((await loadData(gen())).map((i) => i.input)).toEqual([1, 2]);
    expect((await loadData(() => gen())).length).toBe(2);
    expect((await loadData(new Set([{ input: 'x' }]))).length).toBe(1);
  });

  it('reads JSONL, JSON and CSV files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weft-eval-data-'));
    await writeFile(join(dir, 'd.jsonl'), '{"input":"q1","expected":"a1"}\n\n{"id":"k","input":{"x":1}}\n');
    await writeFile(join(dir, 'd.json'), JSON.stringify([{ input: 'j' }]));
    await writeFile(
      join(dir, 'd.csv'),
      'input,expected,tags\n"Hello, world","Bonjour, ""monde""",greet|fr\nbye,au revoir,\n',
    );
    await writeFile(join(dir, 'cols.csv'), 'question,context,expected\nWho?,Me,x\n');
    const jsonl = await loadData(join(dir, 'd.jsonl'));
    expect(jsonl.map((i) => [i.id, i.input, i.expected])).toEqual([
      [hashValue('q1'), 'q1', 'a1'],
      ['k', { x: 1 }, undefined],
    ]);
    expect((await loadData(join(dir, 'd.json')))[0]?.input).toBe('j');
    const csv = await loadData(join(dir, 'd.csv'));
    expect(csv[0]).toMatchObject({ input: 'Hello, world', expected: 'Bonjour, "monde"', tags: ['greet', 'fr'] });
    expect(csv[1]).toMatchObject({ input: 'bye', expected: 'au revoir', tags: [] });
    expect((await loadData(join(dir, 'cols.csv')))[0]).toMatchObject({
      input: { question: 'Who?', context: 'Me' },
      expected: 'x',
    });
  });

  it('reports bad files and items with a code and location', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weft-eval-data-'));
    await writeFile(join(dir, 'bad.jsonl'), '{"input":1}\n{oops\n');
    const err = await loadData(join(dir, 'bad.jsonl')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WeftEvalError);
    expect((err as WeftEvalError).code).toBe('EVAL_DATA_ERROR');
    expect((err as WeftEvalError).details()).toMatchObject({ line: 2 });
    await expect(loadData([{ nope: 1 } as never])).rejects.toThrow(/`input` field/);
    await expect(loadData(join(dir, 'missing.jsonl'))).rejects.toThrow(/readable data file/);
  });

  it('parseCsv handles CRLF and newlines inside quotes', () => {
    expect(parseCsv('a,b\r\n"x\ny",2\r\n')).toEqual([
      ['a', 'b'],
      ['x\ny', '2'],
    ]);
  });
});
