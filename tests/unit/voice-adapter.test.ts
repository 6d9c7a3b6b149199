// The voice adapter check from GGUF headers: the project's random LoRA fits the tiny models; one made
// for other shapes, for another architecture, for more blocks, a plain model and a non-GGUF file are
// refused with a sentence naming the file. Headers are read from Blobs through @huggingface/gguf.
import { beforeAll, describe, expect, it } from 'vitest';
import { readGgufHeader, type GgufHeader } from '../../src/lib/llm/gguf-header';
import { AdapterMismatchError, checkAdapterFits } from '../../src/lib/llm/voice-adapter';
import { tinyGguf } from '../model-gen/gguf';
import { tinyLoraGguf } from '../model-gen/lora';

const header = (bytes: Buffer, name: string) => readGgufHeader(new Blob([new Uint8Array(bytes)]), name);
const model = () => header(tinyGguf({ chatTemplate: false }), 'tiny-base.gguf');

describe('voice adapter check', () => {
  let model0: GgufHeader;
  beforeAll(async () => {
    model0 = await model();
  });

  it('accepts the adapter made for the model and says what it adapts', async () => {
    const facts = checkAdapterFits(await header(tinyLoraGguf(), 'tiny-lora.gguf'), 'tiny-lora.gguf', await model(), 'Tiny base');
    expect(facts).toEqual({ architecture: 'llama', tensors: 8, rank: 4, alpha: 4 });
  });

  it('refuses an adapter of other shapes, naming the file and the weight', async () => {
    const other = await header(tinyLoraGguf({ embd: 96, ff: 192 }), 'other.gguf');
    expect(() => checkAdapterFits(other, 'other.gguf', model0, 'Tiny base')).toThrow(AdapterMismatchError);
    expect(() => checkAdapterFits(other, 'other.gguf', model0, 'Tiny base')).toThrow(/“other\.gguf” does not fit “Tiny base”: blk\.0\.attn_q\.weight is 64×64 in the model, but the adapter's parts are 96×4 and 4×96/);
  });

  it('refuses another architecture, more blocks, a model file and a non-GGUF file', async () => {
    const gemma = await header(tinyLoraGguf({ architecture: 'gemma3' }), 'g.gguf');
    expect(() => checkAdapterFits(gemma, 'g.gguf', model0, 'Tiny base')).toThrow('“g.gguf” does not fit “Tiny base”: the adapter is for a “gemma3” model, the model is “llama”.');
    const deep = await header(tinyLoraGguf({ layers: 3 }), 'deep.gguf');
    expect(() => checkAdapterFits(deep, 'deep.gguf', model0, 'Tiny base')).toThrow('it adapts block 2, but the model has 2 blocks.');
    expect(() => checkAdapterFits(model0, 'tiny-chat.gguf', model0, 'Tiny base')).toThrow(/“tiny-chat\.gguf” is not a LoRA adapter \(its general\.type is missing\)/);
    await expect(header(Buffer.from('not a gguf at all, just text'), 'notes.txt')).rejects.toThrow(/“notes\.txt” could not be read as a GGUF file/);
  });
});
