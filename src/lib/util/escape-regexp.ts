// A literal string made safe to put inside a RegExp pattern (outside a character class). `-` is not escaped:
// in a unicode-mode pattern `\-` outside a class is a syntax error; `/` is, for patterns written as literals.

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
