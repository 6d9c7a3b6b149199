// Turns a stored style profile into what the style card shows: rows of comparable numbers and chart
// series. Pure, so the card component only lays things out.

import type { Distribution, StyleProfile, StyleStats } from '../lib/persona/types';

export interface StyleRow {
  label: string;
  person: string;
  others: string;
}

const pct = (share: number): string => `${Math.round(share * 100)}%`;
const num = (n: number, digits = 1): string => (Number.isFinite(n) ? String(Math.round(n * 10 ** digits) / 10 ** digits) : '—');

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return '—';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${num(seconds / 3600)} h`;
}

const spread = (d: Distribution, format: (n: number) => string = (n) => num(n, 0)): string =>
  d.count === 0 ? '—' : `${format(d.median)} (${format(d.p10)}–${format(d.p90)})`;

export function styleRows(profile: StyleProfile): StyleRow[] {
  const row = (label: string, pick: (s: StyleStats) => string): StyleRow => ({
    label,
    person: pick(profile.person),
    others: pick(profile.others),
  });
  return [
    row('Text messages', (s) => String(s.messages)),
    row('Length in characters, median (10–90%)', (s) => spread(s.chars)),
    row('Length in words, median (10–90%)', (s) => spread(s.words)),
    row('Messages per turn, median (10–90%)', (s) => spread(s.bubblesPerTurn, (n) => num(n, 1))),
    row('Gap between bubbles, median', (s) => formatDuration(s.bubbleGapSeconds.median)),
    row('Emoji per message', (s) => num(s.emojiPerMessage, 2)),
    row('Messages with emoji', (s) => pct(s.shareWithEmoji)),
    row('Messages with laughter', (s) => pct(s.shareWithLaughter)),
    row('All lowercase', (s) => pct(s.casing.allLowercase)),
    row('Starts with a capital', (s) => pct(s.casing.startsWithCapital)),
    row('Ends with "."', (s) => pct(s.endings.period)),
    row('Ends with "!" / "?"', (s) => `${pct(s.endings.exclamation)} / ${pct(s.endings.question)}`),
    row('Ends with "…"', (s) => pct(s.endings.ellipsis)),
    row('Stretched letters ("sooo") / marks ("!!")', (s) => `${pct(s.repeatedLetters)} / ${pct(s.repeatedMarks)}`),
    row('Reply time, median', (s) => formatDuration(s.replyLatencySeconds.median)),
  ];
}

/** Histogram of the person's bins, with the others' counts gathered into the same bins. */
export function lengthSeries(profile: StyleProfile): { labels: string[]; person: number[]; others: number[] } {
  const bins = profile.person.chars.histogram;
  const labels = bins.map((b) => (Number.isFinite(b.to) ? `${b.from}` : `${b.from}+`));
  const person = bins.map((b) => b.count);
  const others = bins.map((b) =>
    profile.others.chars.histogram.filter((o) => o.from >= b.from && o.from < b.to).reduce((sum, o) => sum + o.count, 0),
  );
  return { labels, person, others };
}
