// `npm run eval --engine gguf` on the real Gemma 3 270M: the report carries the held-out likelihood of
// every prompt variant (finite, positive nats per token, the same replies and tokens for the variants
// that score the persona's own lines) and real greedy sample replies next to the real ones.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/eval';
import type { FidelityReport } from '../../src/lib/persona/fidelity-run';
import { GEMMA_GGUF, italianChatHead, requireRealModels, TRANSFORMERS_DIR } from './real-models';

describe('eval --engine gguf (real weights)', () => {
  beforeAll(requireRealModels);

  it('prints the held-out likelihood for each variant and greedy samples beside the real replies', async () => {
    const chat = await italianChatHead(2500);
    const out = join(chat, '..', 'eval-report.json');
    const code = await main([chat, '--person', 'ROOT', '--engine', 'gguf', '--model', GEMMA_GGUF, '--models', TRANSFORMERS_DIR, '--samples', '3', '--max-tokens', '16', '--context', '1024', '--out', out]);
    expect(code).toBe(0);
    const { run, report } = JSON.parse(await readFile(out, 'utf8')) as { run: { runtime: string }; report: FidelityReport };
    expect(run.runtime).toContain('transcript prompts');
    const likelihood = report.likelihood;
    if (likelihood === undefined) throw new Error('the report has no held-out likelihood');
    expect(likelihood.replies).toBe(3);
    expect(likelihood.variants.map((v) => v.id)).toEqual(['generic', 'context', 'retrieval', 'noExamples', 'persona']);
    for (const v of likelihood.variants) {
      expect(Number.isFinite(v.nll)).toBe(true);
      // A real model on real Italian text: well above 0, well below uniform over 262k tokens (12.5 nats).
      expect(v.nll).toBeGreaterThan(0.2);
      expect(v.nll).toBeLessThan(10);
      expect(v.perReply).toHaveLength(3);
    }
    const personaSide = likelihood.variants.filter((v) => v.id !== 'generic');
    expect(new Set(personaSide.map((v) => v.tokens)).size).toBe(1);
    expect(report.examples).toHaveLength(3);
    expect(report.examples.some((e) => e.generated.persona.trim() !== '')).toBe(true);
    for (const e of report.examples) expect(e.real.trim()).not.toBe('');
  });
});
