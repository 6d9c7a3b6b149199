// Clock words no table knows ("yb"/"yh", "ከሰዓት"): which half of the day each one means, learned from
// the file's own chronology. Invariants: only rows whose clock word is unknown change, only their hour,
// and only when reading the word as AM or PM makes the export run backwards less often.

import { clockWord } from './clock';
import type { HeaderTable } from './table';

type Reading = 'as-written' | 'am' | 'pm';

/** The 24-hour hour for a written hour under a reading of its clock word. */
function read(hour: number, reading: Reading): number {
  if (reading === 'as-written' || hour > 12) return hour;
  if (reading === 'pm') return hour === 12 ? 12 : hour + 12;
  return hour === 12 ? 0 : hour;
}

/**
 * Rewrites t.ts for rows with an unknown clock word. Each word is read as written at first; it is
 * read as AM or PM instead when that makes fewer consecutive timestamps go backwards (two rounds, so
 * a pair of words settles). With no evidence either way the hour stays as written.
 */
export function learnUnknownClocks(t: HeaderTable): void {
  const unknownIds: number[] = [];
  for (let id = 1; id < t.clocks.length; id++) if (clockWord(t.clocks[id] ?? '') === undefined) unknownIds.push(id);
  if (unknownIds.length === 0) return;

  const rows: number[] = [];
  const day: number[] = [];
  for (let i = 0; i < t.n; i++) {
    const ts = t.ts[i] ?? '';
    if (ts === '') continue;
    rows.push(i);
    day.push(Date.UTC(+ts.slice(0, 4), +ts.slice(5, 7) - 1, +ts.slice(8, 10)) / 86_400_000);
  }
  const readings = new Map<number, Reading>(unknownIds.map((id) => [id, 'as-written']));
  const hourOf = (i: number): number => {
    const reading = readings.get(t.clock[i] ?? 0);
    return reading === undefined ? +(t.ts[i] ?? '').slice(11, 13) : read(t.hour(i), reading);
  };
  const backwards = (): number => {
    let n = 0;
    let prev = -Infinity;
    for (let k = 0; k < rows.length; k++) {
      const i = rows[k] ?? 0;
      const key = (day[k] ?? 0) * 1440 + hourOf(i) * 60 + t.minute(i);
      if (key < prev) n++;
      prev = key;
    }
    return n;
  };

  let best = backwards();
  for (let round = 0; round < 2; round++) {
    for (const id of unknownIds) {
      const current = readings.get(id) ?? 'as-written';
      let choice = current;
      for (const candidate of ['am', 'pm'] as const) {
        if (candidate === current) continue;
        readings.set(id, candidate);
        const n = backwards();
        if (n < best) {
          best = n;
          choice = candidate;
        }
      }
      readings.set(id, choice);
    }
  }
  for (const i of rows) {
    if (!readings.has(t.clock[i] ?? 0)) continue;
    const ts = t.ts[i] ?? '';
    t.ts[i] = `${ts.slice(0, 11)}${String(hourOf(i)).padStart(2, '0')}${ts.slice(13)}`;
  }
}
