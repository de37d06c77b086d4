import { generateText, Output, streamText } from 'ai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createOfflineModel, OFFLINE_LABEL } from './offline-model.js';

const schemas = {
  flat: z.object({ name: z.string(), age: z.number().int().min(0).max(120), active: z.boolean() }),
  nested: z.object({
    user: z.object({ email: z.email(), homepage: z.url() }),
    tags: z.array(z.string()).min(1).max(3),
  }),
  enums: z.object({
    level: z.enum(['low', 'medium', 'high']),
    literal: z.literal('fixed'),
    maybe: z.string().nullable(),
  }),
  bounds: z.object({
    score: z.number().gt(0).lt(1),
    count: z.number().int().positive().multipleOf(5),
    code: z.string().min(8).max(10),
    short: z.string().max(3),
  }),
  formats: z.object({ id: z.uuid(), at: z.iso.datetime(), day: z.iso.date(), ip: z.ipv4() }),
  optional: z.object({ title: z.string(), note: z.string().optional(), extra: z.number().default(3) }),
  union: z.object({
    value: z.union([z.string(), z.number()]),
    shape: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('circle'), r: z.number().positive() }),
      z.object({ kind: z.literal('square'), side: z.number() }),
    ]),
  }),
  tuple: z.object({ pair: z.tuple([z.string(), z.number()]), record: z.record(z.string(), z.number()) }),
  tasks: z.object({
    tasks: z
      .array(z.object({ id: z.string(), title: z.string().min(1), dependsOn: z.array(z.string()) }))
      .min(1)
      .max(6),
  }),
  uniqueList: z.object({
    items: z
      .array(z.enum(['a', 'b', 'c']))
      .min(2)
      .max(3),
  }),
};

describe('offline model', () => {
  it('labels text output and is deterministic', async () => {
    const model = createOfflineModel();
    const a = await generateText({ model, prompt: 'Summarize the release notes' });
    const b = await generateText({ model, prompt: 'Summarize the release notes' });
    expect(a.text.startsWith(OFFLINE_LABEL)).toBe(true);
    expect(a.text).toContain('Summarize the release notes');
    expect(a.text).toBe(b.text);
    expect(a.providerMetadata?.offline?.notAnLlm).toBe(true);
    expect(a.usage.inputTokens).toBeGreaterThan(0);
  });

  it('streams the same text', async () => {
    const model = createOfflineModel();
    const r = streamText({ model, prompt: 'Say hello to the team' });
    let text = '';
    for await (const delta of r.textStream) text += delta;
    const g = await generateText({ model, prompt: 'Say hello to the team' });
    expect(text).toBe(g.text);
  });

  for (const [name, schema] of Object.entries(schemas)) {
    it(`produces a schema-valid object: ${name}`, async () => {
      const { output, providerMetadata } = await generateText({
        model: createOfflineModel(),
        output: Output.object({ schema }),
        prompt: 'Plan the launch. Write the announcement, then publish it and notify the users.',
      });
      expect(schema.safeParse(output).success).toBe(true);
      expect(providerMetadata?.offline?.notAnLlm).toBe(true);
    });
  }

  it('streams structured output that satisfies the schema', async () => {
    const r = streamText({
      model: createOfflineModel(),
      output: Output.object({ schema: schemas.nested }),
      prompt: 'Profile for Ada',
    });
    for await (const _ of r.partialOutputStream) {
      // drain
    }
    expect(schemas.nested.safeParse(await r.output).success).toBe(true);
  });

  it('decomposes a request into dependent tasks', async () => {
    const { output } = await generateText({
      model: createOfflineModel(),
      output: Output.object({ schema: schemas.tasks }),
      prompt: 'Fetch the sales data. Clean it. Build a chart. Email the chart to the team.',
    });
    expect(output.tasks.map((t) => t.id)).toEqual(['t1', 't2', 't3', 't4']);
    expect(output.tasks.map((t) => t.title)).toEqual([
      'Fetch the sales data',
      'Clean it',
      'Build a chart',
      'Email the chart to the team',
    ]);
    expect(output.tasks[0]?.dependsOn).toEqual([]);
    expect(output.tasks[2]?.dependsOn).toEqual(['t2']);
  });

  it('calls a tool named in the prompt, then answers with its result', async () => {
    const { tool } = await import('ai');
    const { stepCountIs } = await import('ai');
    const seen: unknown[] = [];
    const r = await generateText({
      model: createOfflineModel(),
      prompt: 'Use the weather tool for Paris',
      tools: {
        weather: tool({
          inputSchema: z.object({ city: z.string() }),
          execute: async (input) => {
            seen.push(input);
            return { tempC: 21 };
          },
        }),
      },
      stopWhen: stepCountIs(3),
    });
    expect(seen).toHaveLength(1);
    expect(z.object({ city: z.string() }).safeParse(seen[0]).success).toBe(true);
    expect(r.text).toContain('Tool weather returned');
    expect(r.text.startsWith(OFFLINE_LABEL)).toBe(true);
  });
});
