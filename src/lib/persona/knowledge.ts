// Knowledge documents (pure): a .txt/.md file the user gives a persona -> decoded text, a title and
// retrievable chunks. Invariants: every chunk is `text.slice(start, end)` of the decoded document; a
// chunk never starts or ends inside a word, a surrogate pair or an emoji sequence; ids are stable (the
// document id is a hash of its text, a chunk id is that plus its position), so adding the same text
// twice is recognised; anything unusable throws an AppError naming the file.

import { hashString } from '../ingest/hash';
import { decodeText } from '../ingest/decode-text';
import { AppError } from '../rpc/app-error';

/** Notes and letters, not books: a bigger file would be thousands of chunks to embed on a phone. */
export const MAX_KNOWLEDGE_BYTES = 1_000_000;
export const KNOWLEDGE_EXTENSIONS = ['.txt', '.md', '.markdown'] as const;

export interface ChunkOptions {
  /** A chunk is cut at the best boundary between `min` and `max` characters. */
  min: number;
  max: number;
  /** Characters the next chunk repeats from the end of the previous one (at word boundaries). */
  overlap: number;
}

/**
 * ~150-250 tokens a chunk: small enough for a sentence model to embed whole (MiniLM reads 256 tokens)
 * and for two or three to fit a small model's prompt, big enough to hold a paragraph with its context.
 */
export const CHUNK_OPTIONS: ChunkOptions = { min: 500, max: 900, overlap: 80 };

export interface KnowledgeChunk {
  id: string;
  seq: number;
  text: string;
  start: number;
  end: number;
}

export interface PreparedKnowledgeDoc {
  id: string;
  fileName: string;
  title: string;
  text: string;
  chunks: KnowledgeChunk[];
}

function knowledgeError(code: string, fileName: string, message: string): AppError {
  return new AppError(code, message, { file: fileName });
}

export function isKnowledgeFileName(fileName: string): boolean {
  const lower = fileName.toLowerCase();
  return KNOWLEDGE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** Refuses a file by its name and size alone (before reading it): not .txt/.md, or too large. */
export function checkKnowledgeFile(fileName: string, size: number): void {
  if (!isKnowledgeFileName(fileName)) {
    throw knowledgeError('knowledge-not-text', fileName, `"${fileName}" is not a text note: add .txt or .md files.`);
  }
  if (size > MAX_KNOWLEDGE_BYTES) {
    throw knowledgeError(
      'knowledge-too-large',
      fileName,
      `"${fileName}" is too large (${Math.round(size / 1000)} kB): a knowledge file can have at most ${MAX_KNOWLEDGE_BYTES / 1_000_000} MB. Split it into smaller files.`,
    );
  }
}

/**
 * Bytes -> text with the importer's decoder (UTF-8 with or without BOM, UTF-16 by BOM or NUL pattern,
 * binary and empty files refused), re-worded for notes. Line endings become \n so offsets are stable.
 */
export function decodeKnowledgeFile(bytes: Uint8Array, fileName: string): string {
  checkKnowledgeFile(fileName, bytes.length);
  let text: string;
  try {
    text = decodeText(bytes, fileName);
  } catch (error) {
    const code = error instanceof AppError ? error.code : 'unsupported-encoding';
    if (code === 'empty-file') throw knowledgeError('knowledge-empty', fileName, `"${fileName}" is empty: it contains no text.`);
    if (code === 'binary-file') {
      throw knowledgeError('knowledge-binary', fileName, `"${fileName}" is not a text file: it contains binary data (an image, a PDF...).`);
    }
    throw knowledgeError('knowledge-encoding', fileName, `"${fileName}" uses a text encoding that cannot be read: save it as UTF-8.`);
  }
  return text.replace(/\r\n?/g, '\n');
}

/** The first markdown heading (`# Title` or a setext `Title\n===`), else the file name without its extension. */
export function knowledgeTitle(text: string, fileName: string): string {
  const atx = /^ {0,3}#{1,6}[ \t]+(.+?)[ \t#]*$/m.exec(text);
  const setext = /^(\S[^\n]*)\n {0,3}(=+|-+)[ \t]*$/m.exec(text);
  const heading = [atx, setext]
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => a.index - b.index)[0]?.[1]
    ?.trim();
  if (heading !== undefined && heading !== '') return heading.slice(0, 120);
  const base = fileName.replace(/^.*[\\/]/, '');
  const dot = base.lastIndexOf('.');
  return (dot > 0 ? base.slice(0, dot) : base).trim() || base;
}

// ---------------------------------------------------------------------------------------------------
// Chunking

/** Boundary strength: a heading starts a section, a blank line a paragraph, then sentences, then words. */
const Strength = { Word: 0, Sentence: 1, Paragraph: 2, Heading: 3 } as const;

/**
 * A heading at the start of the tested slice: `# Title`, or a setext `Title` line underlined by `===` /
 * `---`. The underline ends at a newline or the slice end (no `m` flag: `^` must stay the slice start).
 */
const HEADING_LINE = /^ {0,3}(?:#{1,6}[ \t]|\S[^\n]*\n {0,3}(?:=+|-+)[ \t]*(?:\n|$))/;

function isSpace(ch: string | undefined): boolean {
  return ch !== undefined && /\s/.test(ch);
}

/** The strength of a cut at `i` (the next chunk would start at `i`), or -1 when `i` is inside a word. */
function strengthAt(text: string, i: number): number {
  const prev = text[i - 1];
  const here = text[i];
  if (!isSpace(prev) || here === undefined || isSpace(here)) return -1;
  // Start of a line after a blank line?
  let j = i - 1;
  let newlines = 0;
  while (j >= 0 && isSpace(text[j])) {
    if (text[j] === '\n') newlines++;
    j--;
  }
  if (newlines >= 1 && HEADING_LINE.test(text.slice(i, i + 200))) return Strength.Heading;
  if (newlines >= 2) return Strength.Paragraph;
  if (j >= 0 && /[.!?。！？…]["'”’)\]]?$/.test(text.slice(Math.max(0, j - 1), j + 1))) return Strength.Sentence;
  return Strength.Word;
}

function trimmedEnd(text: string, from: number, to: number): number {
  let end = to;
  while (end > from && isSpace(text[end - 1])) end--;
  return end;
}

function skipSpace(text: string, i: number): number {
  let at = i;
  while (at < text.length && isSpace(text[at])) at++;
  return at;
}

/** A low surrogate, zero-width joiner or variation selector: belongs with the character before it. */
function joinsPrevious(code: number): boolean {
  return (code >= 0xdc00 && code <= 0xdfff) || code === 0x200d || code === 0xfe0e || code === 0xfe0f;
}

let wordSegmenter: Intl.Segmenter | null | undefined;

/** One segmenter for all cuts (building one per chunk dominated long files); null without Intl.Segmenter. */
function segmenter(): Intl.Segmenter | null {
  if (wordSegmenter === undefined) {
    const Segmenter = (Intl as { Segmenter?: typeof Intl.Segmenter }).Segmenter;
    wordSegmenter = Segmenter === undefined ? null : new Segmenter(undefined, { granularity: 'word' });
  }
  return wordSegmenter;
}

/** The last end of a word in (from, limit] (a non-space followed by a space), or -1. */
function lastWordEnd(text: string, from: number, limit: number): number {
  for (let at = Math.min(limit, text.length - 1); at > from; at--) {
    if (isSpace(text[at]) && !isSpace(text[at - 1])) return at;
  }
  return -1;
}

/** The last word-segment boundary in (from, limit]: for text without spaces (CJK, long URLs, emoji runs). */
function segmentBoundary(text: string, from: number, limit: number): number {
  const words = segmenter();
  let best = -1;
  if (words !== null) {
    for (const s of words.segment(text.slice(from, Math.min(text.length, limit + 64)))) {
      const at = from + s.index;
      if (at > from && at <= limit) best = at;
      if (at > limit) break;
    }
  }
  if (best > from) return best;
  // No segmenter: at least never cut a surrogate pair or before a joiner/variation selector.
  let at = limit;
  while (at > from + 1 && joinsPrevious(text.charCodeAt(at))) at--;
  return at;
}

/**
 * Splits a document into chunks of about `min`-`max` characters at the strongest boundary available
 * (heading > blank line > sentence end > space), with `overlap` characters repeated across a cut that is
 * not a section start, so a fact split across two chunks is still whole in one of them.
 */
export function chunkText(text: string, options: ChunkOptions = CHUNK_OPTIONS): { text: string; start: number; end: number }[] {
  const out: { text: string; start: number; end: number }[] = [];
  let start = skipSpace(text, 0);
  // Trailing whitespace is found once: rescanning it per chunk made a file of spaces quadratic.
  const lastEnd = trimmedEnd(text, start, text.length);
  while (start < lastEnd) {
    if (lastEnd - start <= options.max) {
      out.push({ text: text.slice(start, lastEnd), start, end: lastEnd });
      break;
    }
    let cut = -1;
    let cutStrength = -1;
    const limit = start + options.max;
    for (let i = start + Math.max(1, options.min); i <= limit; i++) {
      const s = strengthAt(text, i);
      // Strongest boundary wins; among equals the later one (fuller chunks). A heading is taken at once:
      // a section should start its own chunk rather than trail at the end of the previous one.
      if (s > cutStrength || (s === cutStrength && s >= 0 && s !== Strength.Heading)) {
        cut = i;
        cutStrength = s;
      }
    }
    if (cut < 0) {
      // No word starts in the window: it is whitespace after the last word (cut there), or a long run
      // without spaces (cut at a word boundary if one exists, else between characters).
      const wordEnd = lastWordEnd(text, start, limit);
      cut = wordEnd > start ? wordEnd : segmentBoundary(text, start, limit);
      cutStrength = Strength.Word;
    }
    const end = trimmedEnd(text, start, cut);
    out.push({ text: text.slice(start, end), start, end });
    let next = skipSpace(text, cut);
    if (cutStrength !== Strength.Heading && options.overlap > 0) {
      // Step back by about `overlap` characters, then forward to the start of a word.
      let back = Math.max(start + 1, end - options.overlap);
      while (back < end && strengthAt(text, back) < 0) back++;
      if (back < end) next = back;
    }
    if (next <= start) next = skipSpace(text, cut);
    start = next;
  }
  return out;
}

export function knowledgeDocId(text: string): string {
  return hashString(text);
}

export function knowledgeChunkId(docId: string, seq: number): string {
  return `${docId}-${seq}`;
}

/** Decoded text -> the document and its chunks, ready to store. */
export function prepareKnowledgeDoc(fileName: string, text: string, options: ChunkOptions = CHUNK_OPTIONS): PreparedKnowledgeDoc {
  if (text.trim() === '') throw knowledgeError('knowledge-empty', fileName, `"${fileName}" is empty: it contains no text.`);
  const id = knowledgeDocId(text);
  const chunks = chunkText(text, options).map((c, seq) => ({ id: knowledgeChunkId(id, seq), seq, ...c }));
  return { id, fileName, title: knowledgeTitle(text, fileName), text, chunks };
}

/** A short excerpt of a chunk for lists and the "why this answer" panel (cut at a word). */
export function excerpt(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const space = flat.lastIndexOf(' ', max);
  let cut = space > max * 0.6 ? space : max;
  // Never end on half a surrogate pair.
  if (/[\ud800-\udbff]/.test(flat[cut - 1] ?? '')) cut--;
  return `${flat.slice(0, cut)}…`;
}
