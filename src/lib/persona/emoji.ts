// Emoji in message text, grapheme-aware: a ZWJ family, a flag, a keycap or a skin-toned hand is one
// emoji. Invariants: text-presentation symbols (©, ™, ↔, ❤ ...) count only when followed by VS16
// (U+FE0F); only the short emoji-looking runs of a text go through Intl.Segmenter, so plain text costs
// one regex test (segmenting whole messages was ~30x slower than the rest of the style profile).

import { graphemeSegments } from '../util/graphemes';

/**
 * A run of code points that can belong to an emoji: pictographs, regional indicators, skin tones, ZWJ,
 * VS16, tag characters and keycap sequences. Runs are what the segmenter sees.
 */
const RUN = /(?:[#*0-9]\uFE0F?\u20E3|\p{Extended_Pictographic}|\p{Regional_Indicator}|\p{Emoji_Modifier}|\u200D|\uFE0F|\u20E3|[\u{E0020}-\u{E007F}])+/gu;
const MAY_HAVE_EMOJI = /[\p{Extended_Pictographic}\p{Regional_Indicator}\u20E3]/u;
const PRESENTATION = /\p{Emoji_Presentation}/u;
const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;
const MODIFIER = /\p{Emoji_Modifier}/u;
const REGIONAL = /\p{Regional_Indicator}/gu;


/** True when one grapheme cluster is displayed as an emoji. */
export function isEmojiGrapheme(g: string): boolean {
  const first = g.codePointAt(0) ?? 0;
  if (g.includes('\u20E3')) return first === 0x23 || first === 0x2a || (first >= 0x30 && first <= 0x39);
  const regional = g.match(REGIONAL);
  // A flag is a pair of regional indicators; a lone one renders as a boxed letter.
  if (regional !== null) return regional.length >= 2;
  if (PRESENTATION.test(g)) return true;
  if (!PICTOGRAPHIC.test(g)) return false;
  // Text-default pictographs (©, ™, ❤, ☺) become emoji with VS16 or a skin tone; plane-1 pictographs
  // that are text-default by the letter of Unicode (🕊, 🗣, 🌡) are drawn as emoji by every chat app.
  return g.includes('\uFE0F') || MODIFIER.test(g) || first >= 0x1f000;
}

export interface EmojiScan {
  /** Emoji graphemes in order of appearance, as written (VS15 dropped). */
  emojis: string[];
  /** The text's last grapheme (ignoring trailing whitespace) is an emoji. */
  endsWithEmoji: boolean;
  /** Code points minus graphemes inside emoji runs: what a code-point length over-counts. */
  extraCodePoints: number;
}

const NONE: EmojiScan = { emojis: [], endsWithEmoji: false, extraCodePoints: 0 };

export function scanEmoji(text: string): EmojiScan {
  if (!MAY_HAVE_EMOJI.test(text)) return NONE;
  const emojis: string[] = [];
  let endsWithEmoji = false;
  let extra = 0;
  let end = text.length;
  while (end > 0 && /\s/.test(text.charAt(end - 1))) end--;
  RUN.lastIndex = 0;
  for (let m = RUN.exec(text); m !== null; m = RUN.exec(text)) {
    const run = m[0];
    let codePoints = 0;
    for (let i = 0; i < run.length; i++) {
      const c = run.charCodeAt(i);
      if (c < 0xdc00 || c > 0xdfff) codePoints++;
    }
    let clusters = 0;
    let lastIsEmoji = false;
    for (const { segment } of graphemeSegments(run)) {
      clusters++;
      lastIsEmoji = isEmojiGrapheme(segment);
      if (lastIsEmoji) emojis.push(segment.includes('\uFE0E') ? segment.replace(/\uFE0E/g, '') : segment);
    }
    extra += codePoints - clusters;
    if (m.index + run.length === end) endsWithEmoji = lastIsEmoji;
  }
  return { emojis, endsWithEmoji, extraCodePoints: extra };
}

/** Counting key of an emoji: VS16 is optional on emoji-presentation characters ("👍" = "👍\uFE0F"). */
export function emojiKey(emoji: string): string {
  return emoji.includes('\uFE0F') ? emoji.replace(/\uFE0F/g, '') : emoji;
}
