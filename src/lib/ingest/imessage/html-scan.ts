// A small tolerant HTML tag scanner (workers have no DOMParser): start tags with attributes, end
// tags and decoded text, in document order. Invariants: never throws on malformed markup (a broken
// tag ends at the next '>'), comments and doctypes are skipped, script/style/xmp bodies are raw text.

export interface HtmlHandler {
  open(tag: string, attrs: ReadonlyMap<string, string>, pos: number): void;
  close(tag: string): void;
  /** Text between tags, entities decoded (raw for xmp/textarea, as browsers do). */
  text(text: string): void;
}

export const VOID_TAGS: ReadonlySet<string> = new Set([
  'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr',
]);

const RAW_TEXT_TAGS: ReadonlySet<string> = new Set(['script', 'style', 'xmp', 'textarea', 'title', 'plaintext']);

/** Latin-1 entity names in code point order from U+00A0 (HTML 4), then the common others. */
const LATIN1 =
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute ' +
  'micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig ' +
  'Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash ' +
  'Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ' +
  'ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc ' +
  'uuml yacute thorn yuml';

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  ...Object.fromEntries(LATIN1.split(' ').map((name, i) => [name, String.fromCharCode(0xa0 + i)])),
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", trade: '™', hellip: '…', mdash: '—', ndash: '–',
  bull: '•', lsquo: '‘', rsquo: '’', sbquo: '‚', ldquo: '“', rdquo: '”', bdquo: '„', euro: '€',
  OElig: 'Œ', oelig: 'œ', Scaron: 'Š', scaron: 'š', Yuml: 'Ÿ', dagger: '†', Dagger: '‡', permil: '‰',
  lsaquo: '‹', rsaquo: '›', thinsp: '\u2009', ensp: '\u2002', emsp: '\u2003',
  zwj: '\u200d', zwnj: '\u200c', lrm: '\u200e', rlm: '\u200f',
};

export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});/g, (whole, body: string) => {
    if (body.startsWith('#')) {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
      return String.fromCodePoint(code);
    }
    return NAMED_ENTITIES[body] ?? whole;
  });
}

const ATTRIBUTE = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
const NO_ATTRIBUTES: ReadonlyMap<string, string> = new Map();

function parseAttributes(source: string): ReadonlyMap<string, string> {
  if (source.trim() === '' || source.trim() === '/') return NO_ATTRIBUTES;
  const attrs = new Map<string, string>();
  const re = ATTRIBUTE;
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(source)) !== null) {
    const name = (m[1] ?? '').toLowerCase();
    if (!attrs.has(name)) attrs.set(name, decodeEntities(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  return attrs;
}

/** Finds the '>' that ends a tag starting at `from`, skipping quoted attribute values. */
function tagEnd(html: string, from: number): number {
  let quote = 0;
  let afterEquals = false;
  for (let i = from; i < html.length; i++) {
    const c = html.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 62 /* > */) {
      return i;
    } else if (c === 61 /* = */) {
      afterEquals = true;
    } else if (c === 34 || c === 39) {
      // A quote only opens a value right after '=' (possibly spaced); elsewhere it is junk.
      if (afterEquals) quote = c;
      afterEquals = false;
    } else if (c !== 32 && c !== 9 && c !== 10 && c !== 13) {
      afterEquals = false;
    }
  }
  return -1;
}

export function scanHtml(html: string, handler: HtmlHandler): void {
  let pos = 0;
  const n = html.length;
  while (pos < n) {
    const lt = html.indexOf('<', pos);
    if (lt === -1) {
      handler.text(decodeEntities(html.slice(pos)));
      return;
    }
    if (lt > pos) handler.text(decodeEntities(html.slice(pos, lt)));
    const next = html[lt + 1] ?? '';
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      pos = end === -1 ? n : end + 3;
      continue;
    }
    if (next === '!' || next === '?') {
      const end = html.indexOf('>', lt);
      pos = end === -1 ? n : end + 1;
      continue;
    }
    if (next === '/') {
      const end = html.indexOf('>', lt);
      const name = /^[a-zA-Z][^\s/>]*/.exec(html.slice(lt + 2, end === -1 ? n : end))?.[0];
      if (name !== undefined) handler.close(name.toLowerCase());
      pos = end === -1 ? n : end + 1;
      continue;
    }
    if (!/[a-zA-Z]/.test(next)) {
      handler.text('<');
      pos = lt + 1;
      continue;
    }
    const end = tagEnd(html, lt + 1);
    const inner = html.slice(lt + 1, end === -1 ? n : end);
    const name = (/^[^\s/>]+/.exec(inner)?.[0] ?? '').toLowerCase();
    const attrs = parseAttributes(inner.slice(name.length));
    pos = end === -1 ? n : end + 1;
    handler.open(name, attrs, lt);
    if (RAW_TEXT_TAGS.has(name) && !inner.endsWith('/')) {
      const closer = new RegExp(`</${name}`, 'gi');
      closer.lastIndex = pos;
      const closeAt = closer.exec(html)?.index ?? -1;
      const stop = closeAt === -1 ? n : closeAt;
      const raw = html.slice(pos, stop);
      handler.text(name === 'xmp' || name === 'plaintext' ? raw : decodeEntities(raw));
      handler.close(name);
      const closeEnd = closeAt === -1 ? -1 : html.indexOf('>', closeAt);
      pos = closeEnd === -1 ? n : closeEnd + 1;
    } else if (VOID_TAGS.has(name) || inner.endsWith('/')) {
      handler.close(name);
    }
  }
}
