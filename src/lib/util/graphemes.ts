// User-perceived characters (grapheme clusters: an emoji with its modifiers, a letter with its accents),
// from one shared Intl.Segmenter: clipping, emoji counting and the style adapter all split text alike.

let segmenter: Intl.Segmenter | undefined;

export function graphemeSegments(text: string): Intl.Segments {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return segmenter.segment(text);
}

export function graphemes(text: string): string[] {
  return Array.from(graphemeSegments(text), (s) => s.segment);
}
