// The timestamp imessage-exporter writes (strftime `%b %d, %Y %l:%M:%S %p`, English month names,
// the exporting Mac's local time without zone) and the text that may follow it on the same line.
// Invariants: days may be padded or not, `%l` leaves a double space before one-digit hours, and the
// result is ISO local time with seconds.

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

/**
 * Month (3+ letters), day, year, hour, minutes, seconds, AM/PM, then the rest of the line.
 * Full month names are accepted too: forks of the exporter write `%B`.
 */
const TIMESTAMP =
  /^( *)([A-Z][a-z]{2,8})\.? (\d{1,2}), (\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})\s?([AaPp])\.?[Mm]\.?(?=\s|$)(.*)$/;

/** The detection rule from the exporter's documentation, used to recognise a file. */
export const IMESSAGE_TIMESTAMP_LINE = /^[A-Z][a-z]{2} \d{1,2}, \d{4}\s+\d{1,2}:\d{2}:\d{2} (AM|PM)/;

export interface TimestampLine {
  /** Leading spaces: thread replies are indented by four. */
  indent: number;
  ts: string;
  /** What follows the timestamp, trimmed: '' for a message header, a read receipt, or an announcement. */
  rest: string;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

export function parseTimestampLine(line: string): TimestampLine | null {
  // Most lines are bodies: reject them before running the full pattern.
  let first = 0;
  while (line.charCodeAt(first) === 32) first++;
  const c = line.charCodeAt(first);
  if (c < 65 || c > 90 || line.indexOf(':', first) === -1) return null;
  const m = TIMESTAMP.exec(line);
  if (m === null) return null;
  const [, spaces = '', monthName = '', d = '', y = '', h = '', mi = '', s = '', ampm = '', rest = ''] = m;
  const month = MONTHS[monthName.slice(0, 3).toLowerCase()];
  if (month === undefined) return null;
  const day = Number(d);
  let hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (day < 1 || day > 31 || hour < 1 || hour > 12 || minute > 59 || second > 59) return null;
  const pm = ampm === 'P' || ampm === 'p';
  if (hour === 12) hour = pm ? 12 : 0;
  else if (pm) hour += 12;
  return {
    indent: spaces.length,
    ts: `${y}-${pad2(month)}-${pad2(day)}T${pad2(hour)}:${pad2(minute)}:${pad2(second)}`,
    rest: rest.trim(),
  };
}

/** ` (Read by them after 1 hour, 49 seconds)` and its variants: metadata, not text. */
export function isReadReceipt(rest: string): boolean {
  return /^\(Read by .* after .*\)$/.test(rest);
}
