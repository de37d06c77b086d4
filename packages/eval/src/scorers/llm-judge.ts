/** llmJudge: a rubric graded by a language model with a structured verdict. */
import { generateText, type LanguageModel, Output } from 'ai';
import { z } from 'zod';
import { asText, type Scorer } from './scorer.js';

/** The structured verdict the judge model must return (internal; see {@link JudgeVerdict}). */
const judgeVerdictSchema = z.object({
  verdict: z.enum(['pass', 'partial', 'fail']).describe('Overall judgement against the rubric'),
  score: z.number().min(0).max(1).describe('Quality from 0 (worst) to 1 (best)'),
  rationale: z.string().describe('One or two sentences explaining the score'),
});

/** A judge's structured verdict. */
export interface JudgeVerdict {
  /** Overall judgement against the rubric. */
  verdict: 'pass' | 'partial' | 'fail';
  /** Quality from 0 (worst) to 1 (best); becomes the score. */
  score: number;
  /** One or two sentences explaining the score; becomes the rationale. */
  rationale: string;
}

/** Options of {@link llmJudge}. */
export interface LlmJudgeOptions {
  /** The judge model (any AI SDK language model, e.g. from `createRouter` of @weft/llm). */
  model: LanguageModel;
  /** What a good answer looks like. */
  rubric: string;
  /** Scorer name; default `llmJudge`. */
  name?: string;
  /** Extra system instructions for the judge. */
  system?: string;
}

/**
 * Asks a model to grade the output against a rubric; returns its structured verdict
 * (`pass` / `partial` / `fail`, a score in [0, 1] and a rationale).
 *
 * @example
 * ```ts
 * llmJudge({ model: router('judge'), rubric: 'The answer is polite and names the capital.' });
 * ```
 */
export function llmJudge(options: LlmJudgeOptions): Scorer {
  return {
    name: options.name ?? 'llmJudge',
    async score({ input, output, expected }) {
      const prompt = [
        `Rubric:\n${options.rubric}`,
        `Input:\n${asText(input)}`,
        expected === undefined ? undefined : `Reference answer:\n${asText(expected)}`,
        `Answer to grade:\n${asText(output)}`,
        'Grade the answer against the rubric. Reply with JSON: {"verdict":"pass|partial|fail","score":0..1,"rationale":"..."}.',
      ]
        .filter(Boolean)
        .join('\n\n');
      const result = await generateText({
        model: options.model,
        system: options.system ?? 'You are a strict, fair grader of answers.',
        prompt,
        output: Output.object({ schema: judgeVerdictSchema }),
      });
      const verdict: JudgeVerdict = result.output;
      return { score: verdict.score, rationale: verdict.rationale, metadata: { verdict: verdict.verdict } };
    },
  };
}
