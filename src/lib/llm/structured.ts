// Structured (JSON) output from a local model: one zod schema gives both the JSON Schema that WebLLM
// constrains decoding with and the validator of whatever text came back. Small models, and the CPU
// engine (no constrained decoding), return prose around the JSON, code fences, trailing commas, cut-off
// objects: the text is extracted and repaired (jsonrepair) before validation. Pure: runs anywhere.
// Invariant: `parseStructured` never throws; a failure says which stage failed and why, for the UI.

import { jsonrepair } from 'jsonrepair';
import { z } from '../zod';

export interface StructuredSpec<T> {
  /** The JSON Schema to pass as GenerationOptions.jsonSchema. */
  jsonSchema: string;
  parse(text: string): StructuredResult<T>;
}

export type StructuredResult<T> =
  | { ok: true; value: T; /** The text needed repair or extraction before it parsed. */ repaired: boolean }
  | { ok: false; stage: 'no-json' | 'syntax' | 'schema'; message: string };

/** The outermost `{...}` (or `[...]`) of `text`, code fences and surrounding prose removed; null when there is none. */
export function extractJsonText(text: string): string | null {
  const fenced = /```(?:json)?\s*([\s\S]*?)(?:```|$)/i.exec(text);
  const body = fenced?.[1] !== undefined && /[{[]/.test(fenced[1]) ? fenced[1] : text;
  const start = body.search(/[{[]/);
  if (start < 0) return null;
  const open = body[start];
  const close = open === '{' ? '}' : ']';
  const end = body.lastIndexOf(close);
  // A cut-off reply has no closing bracket: keep the tail, jsonrepair closes what is open.
  return end > start ? body.slice(start, end + 1) : body.slice(start);
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'the reply'}: ${issue.message}`)
    .join('; ');
}

/** Parses `text` as JSON for `schema`, extracting and repairing it when needed. */
export function parseStructured<T>(schema: z.ZodType<T>, text: string): StructuredResult<T> {
  const extracted = extractJsonText(text);
  if (extracted === null) return { ok: false, stage: 'no-json', message: 'The model did not answer with JSON.' };
  let data: unknown;
  let repaired = extracted.trim() !== text.trim();
  try {
    data = JSON.parse(extracted);
  } catch {
    try {
      data = JSON.parse(jsonrepair(extracted));
      repaired = true;
    } catch (error) {
      return { ok: false, stage: 'syntax', message: `The model's JSON could not be repaired (${error instanceof Error ? error.message : String(error)}).` };
    }
  }
  const checked = schema.safeParse(data);
  if (!checked.success) return { ok: false, stage: 'schema', message: `The model's JSON does not have the expected fields: ${describeIssues(checked.error)}.` };
  return { ok: true, value: checked.data, repaired };
}

/** The JSON Schema and parser for `schema`. */
export function structured<T>(schema: z.ZodType<T>): StructuredSpec<T> {
  const jsonSchema = JSON.stringify(z.toJSONSchema(schema, { target: 'draft-7', unrepresentable: 'any' }));
  return { jsonSchema, parse: (text) => parseStructured(schema, text) };
}
