// Ingest worker shell: reads, parses and stores exports off the main thread. Logic lives in
// src/lib/importer (testable in node); this file only wires it to the page.
import { expose } from 'comlink';
import { createIngestApi } from '../src/lib/importer/ingest-api';
import { openDb } from '../src/lib/store/index';

expose(createIngestApi(openDb));
