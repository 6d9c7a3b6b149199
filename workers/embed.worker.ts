// Embed worker shell: embeds personas and answers retrieval queries off the main thread. Logic lives in
// src/lib/embed (testable in node); this file only wires the transformers.js adapter to the page.
import { expose } from 'comlink';
import { createEmbedApi } from '../src/lib/embed/embed-api';
import { createTransformersEmbedder } from '../src/lib/embed/transformers-embedder';
import { openDb } from '../src/lib/store/db';

expose(createEmbedApi(openDb, { createEmbedder: createTransformersEmbedder }));
