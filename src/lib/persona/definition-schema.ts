// Zod schemas of what a persona carries from outside (a bundle, a card): its definition and its memory
// items' optional fields. Written once so every reader of untrusted persona data checks the same shape.
// Invariant: a value that passes has every field the prompt builder, retrieval and the studio read, with
// the type they expect (unknown extra keys pass: a newer app may add fields, and only ever adds).

import { z } from '../zod';

export const personaTraitsSchema = z.array(z.object({ name: z.string(), strength: z.number().min(0).max(1) }));

export const personaRulesSchema = z.object({ do: z.array(z.string()), dont: z.array(z.string()) });

export const personaDefinitionSchema = z.looseObject({
  background: z.string(),
  traits: personaTraitsSchema,
  rules: personaRulesSchema,
  examples: z.array(z.looseObject({ user: z.string(), reply: z.string() })),
  greetings: z.array(z.string()),
  scenario: z.string(),
});

export const personaOriginSchema = z.enum(['export', 'description', 'manual', 'card', 'bundle']);

export const memoryTypeSchema = z.enum(['fact', 'preference', 'relationship', 'episode', 'goal']);

export const memoryEntitySchema = z.looseObject({ kind: z.enum(['person', 'place', 'topic']), name: z.string() });

/** MemoryItem, optional fields included (the memory graph reads `entities` and `eventDate` as typed). */
export const memoryItemSchema = z.looseObject({
  id: z.string(),
  type: memoryTypeSchema,
  text: z.string(),
  subject: z.string(),
  sourceMessageIds: z.array(z.string()),
  firstSeen: z.string(),
  lastSeen: z.string(),
  confidence: z.number(),
  pinned: z.boolean(),
  origin: z.enum(['rule', 'llm', 'user']),
  supersededBy: z.string().optional(),
  eventDate: z.string().optional(),
  entities: z.array(memoryEntitySchema).optional(),
  quote: z.string().optional(),
  slot: z.string().optional(),
  value: z.string().optional(),
});
