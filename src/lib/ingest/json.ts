// The documented generic JSON format: an array of `{timestamp, sender, text, kind?}` objects, or
// `{ "messages": [...] }` with an optional chat `name`/`title`. Invariants: malformed JSON or keys
// missing from every record is 'bad-json'; single bad records are skipped with a warning count.

import {
  GENERIC_ALIASES,
  GenericIssues,
  REQUIRED_FIELDS,
  cleanName,
  genericItem,
  normalizeColumnName,
  type GenericField,
  type GenericRecord,
} from './csv';
import { ImportError } from './errors';
import type { ParseOptions, ParseResult, ParsedItem } from './types';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Looks a generic field up in one object through the alias table (keys compared normalized). */
function pick(record: Record<string, unknown>, keyMap: Map<string, string>, field: GenericField): unknown {
  for (const alias of GENERIC_ALIASES[field]) {
    const key = keyMap.get(alias);
    if (key !== undefined) return record[key];
  }
  return undefined;
}

function keyMapOf(record: Record<string, unknown>): Map<string, string> {
  const map = new Map<string, string>();
  for (const key of Object.keys(record)) {
    const normalized = normalizeColumnName(key);
    if (!map.has(normalized)) map.set(normalized, key);
  }
  return map;
}

function hasField(keyMap: Map<string, string>, field: GenericField): boolean {
  return GENERIC_ALIASES[field].some((alias) => keyMap.has(alias));
}

function messagesOf(root: unknown, fileName: string): { list: unknown[]; chatName: string | null } {
  if (Array.isArray(root)) return { list: root, chatName: null };
  if (isRecord(root)) {
    const keyMap = keyMapOf(root);
    const messagesKey = keyMap.get('messages');
    const list = messagesKey === undefined ? undefined : root[messagesKey];
    if (Array.isArray(list)) {
      const nameKey = keyMap.get('name') ?? keyMap.get('title');
      const name = nameKey === undefined ? undefined : root[nameKey];
      return { list, chatName: typeof name === 'string' && cleanName(name) !== '' ? cleanName(name) : null };
    }
  }
  throw new ImportError(
    'bad-json',
    fileName,
    `"${fileName}" is JSON but not a chat: it must be an array of messages or an object with a "messages" array.`,
  );
}

export function parseGenericJson(text: string, fileName: string, options: ParseOptions = {}): ParseResult {
  let root: unknown;
  try {
    root = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    const detail = error instanceof Error ? ` (${error.message})` : '';
    throw new ImportError('bad-json', fileName, `"${fileName}" is not valid JSON${detail}.`);
  }
  const { list, chatName } = messagesOf(root, fileName);
  if (list.length === 0) {
    throw new ImportError('bad-json', fileName, `"${fileName}" contains no messages.`);
  }

  // A key missing from every object is a wrong format, not a few bad records: say which keys.
  const seen = new Set<GenericField>();
  for (const entry of list) {
    if (!isRecord(entry)) continue;
    const keyMap = keyMapOf(entry);
    for (const field of REQUIRED_FIELDS) if (hasField(keyMap, field)) seen.add(field);
    if (seen.size === REQUIRED_FIELDS.length) break;
  }
  const missing = REQUIRED_FIELDS.filter((f) => !seen.has(f));
  if (missing.length > 0) {
    throw new ImportError(
      'bad-json',
      fileName,
      `"${fileName}" has messages without the key${missing.length > 1 ? 's' : ''} ${missing.join(', ')}. ` +
        'Each message must be an object with timestamp, sender and text.',
      { missing: missing.join(',') },
    );
  }

  const items: ParsedItem[] = [];
  const issues = new GenericIssues();
  let notObjects = 0;
  let incomplete = 0;
  for (let i = 0; i < list.length; i++) {
    if ((i & 4095) === 0) {
      options.signal?.throwIfAborted();
      options.onProgress?.({ phase: 'parse', bytesDone: Math.round((i / list.length) * text.length), bytesTotal: text.length, items: items.length });
    }
    const entry = list[i];
    if (!isRecord(entry)) {
      notObjects++;
      continue;
    }
    const keyMap = keyMapOf(entry);
    if (!hasField(keyMap, 'timestamp') || !hasField(keyMap, 'text')) {
      incomplete++;
      continue;
    }
    const record: GenericRecord = {
      timestamp: pick(entry, keyMap, 'timestamp'),
      sender: pick(entry, keyMap, 'sender'),
      text: pick(entry, keyMap, 'text'),
      kind: pick(entry, keyMap, 'kind'),
    };
    // `line` is the 1-based position of the message in the array: JSON has no useful line numbers.
    const outcome = genericItem(record, i + 1);
    issues.note(outcome, record, i + 1);
    if (outcome.ok) items.push(outcome.item);
  }
  const warnings = issues.warnings('message');
  if (notObjects > 0) {
    warnings.push(notObjects === 1 ? 'Skipped 1 entry that is not an object.' : `Skipped ${notObjects} entries that are not objects.`);
  }
  if (incomplete > 0) warnings.push(`Skipped ${incomplete} message(s) without a timestamp or text.`);
  if (items.length === 0) {
    throw new ImportError(
      'bad-json',
      fileName,
      `"${fileName}" has no message with a timestamp this app can read (${issues.firstBadDescription('message') || 'none found'}). Write timestamps as YYYY-MM-DD HH:MM:SS.`,
    );
  }
  options.onProgress?.({ phase: 'parse', bytesDone: text.length, bytesTotal: text.length, items: items.length });
  return { format: 'generic-json', locale: null, dateOrder: null, items, chatName, warnings };
}
