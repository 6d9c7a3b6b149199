// Phase timing: a named performance mark at each boundary of the way from a picked file to the first
// streamed token (parsed, stored, built, embedded, model loaded, first token), so a benchmark driving the
// page can split the time by phase. Local only: the marks stay in this page's performance timeline, are
// never sent or stored, and a browser without the User Timing API simply gets none.

/** Every boundary marked, in the order a first import usually reaches them. */
export const PHASES = [
  'import:pick',
  'import:parsed',
  'import:commit',
  'import:write',
  'import:build',
  'import:turns',
  'import:done',
  'embed:start',
  'embed:embedding',
  'embed:done',
  'model:load',
  'model:loaded',
  'reply:prompt',
  'reply:first-token',
] as const;

export type PhaseMark = (typeof PHASES)[number];

/** Prefix of every mark's name, so a reader can tell them from other marks on the page. */
export const PHASE_MARK_PREFIX = 'personayou:';

export function markPhase(phase: PhaseMark): void {
  try {
    performance.mark(`${PHASE_MARK_PREFIX}${phase}`);
  } catch {
    // No User Timing here: timing is a nicety, never a reason to fail.
  }
}
