import { describe, expect, it } from 'vitest';
import { z } from '../../src/lib/zod';
import { extractJsonText, parseStructured, structured } from '../../src/lib/llm/structured';

const Person = z.object({ name: z.string().min(1), traits: z.array(z.object({ name: z.string(), strength: z.number().min(0).max(1) })) });

describe('structured output', () => {
  it('gives a JSON Schema with the fields', () => {
    const schema = JSON.parse(structured(Person).jsonSchema) as { type: string; properties: Record<string, unknown>; required: string[] };
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties)).toEqual(['name', 'traits']);
    expect(schema.required).toEqual(['name', 'traits']);
  });

  it('parses clean JSON without calling it repaired', () => {
    const r = parseStructured(Person, '{"name":"Ana","traits":[{"name":"warm","strength":0.8}]}');
    expect(r).toEqual({ ok: true, value: { name: 'Ana', traits: [{ name: 'warm', strength: 0.8 }] }, repaired: false });
  });

  it('extracts JSON from prose and code fences', () => {
    expect(extractJsonText('Sure! ```json\n{"a":1}\n``` hope it helps')).toBe('{"a":1}');
    expect(extractJsonText('Here: {"a":{"b":2}} done')).toBe('{"a":{"b":2}}');
    expect(extractJsonText('no json here')).toBeNull();
  });

  it('repairs trailing commas, single quotes and a cut-off object', () => {
    const r1 = parseStructured(Person, "{'name': 'Ana', 'traits': [],}");
    expect(r1.ok && r1.repaired && r1.value.name === 'Ana').toBe(true);
    const r2 = parseStructured(Person, '{"name":"Ana","traits":[{"name":"warm","strength":0.5}');
    expect(r2).toEqual({ ok: true, value: { name: 'Ana', traits: [{ name: 'warm', strength: 0.5 }] }, repaired: true });
  });

  it('says which stage failed', () => {
    expect(parseStructured(Person, 'niche niche niche')).toMatchObject({ ok: false, stage: 'no-json' });
    const r = parseStructured(Person, '{"name":"","traits":[{"name":"x","strength":3}]}');
    expect(r).toMatchObject({ ok: false, stage: 'schema' });
    if (!r.ok) expect(r.message).toMatch(/name|strength/);
  });
});
