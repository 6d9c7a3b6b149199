// The ingest CLI contract: `npx tsx src/cli/ingest.ts <file> [--summary|--json]`, spawned for real
// on shared and synthetic fixtures; stdout JSON shapes and exit codes (0 ok, 1 bad file, 2 usage).
// Two cases go through npx exactly as documented; the rest run the same file with node + tsx.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHARED_HTML = fileURLToPath(
  new URL('../fixtures/exports/imessage/imessage-exporter-html/imessage-exporter__example.html', import.meta.url),
);
const SHARED_ZIP = fileURLToPath(new URL('../fixtures/exports/whatsapp/en/rwhatsapp__sample.zip', import.meta.url));
const TXT = 'tests/fixtures/imessage/exporter-txt/Sunday Brunch - 42.txt';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** As documented: `npx tsx src/cli/ingest.ts …`. */
function npxCli(...args: string[]): Promise<Run> {
  return spawn('npx', ['tsx', 'src/cli/ingest.ts', ...args]);
}

/** The same program without npx's and tsx's launcher processes: half a second instead of two. */
function cli(...args: string[]): Promise<Run> {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli/ingest.ts', ...args]);
}

function spawn(command: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: ROOT, maxBuffer: 1 << 26 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

let tmp = '';
const runs: Record<string, Run> = {};

// One spawn per case, all at once: each pays tsx's start-up, so running them in parallel keeps this fast.
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'ingest-cli-'));
  writeFileSync(join(tmp, 'photo.png'), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]));
  writeFileSync(join(tmp, 'notes.txt'), 'Shopping list\n- milk\n');
  const cases: Record<string, () => Promise<Run>> = {
    htmlSummary: () => npxCli(SHARED_HTML, '--summary'),
    png: () => npxCli(join(tmp, 'photo.png'), '--summary'),
    zipSummary: () => cli(SHARED_ZIP, '--summary'),
    txtJson: () => cli(TXT, '--json'),
    txtHuman: () => cli(TXT),
    notes: () => cli(join(tmp, 'notes.txt')),
    missing: () => cli(join(tmp, 'nope.txt')),
    noArgs: () => cli(),
    badFlag: () => cli(TXT, '--yaml'),
    both: () => cli(TXT, '--json', '--summary'),
  };
  const results = await Promise.all(Object.values(cases).map((start) => start()));
  Object.keys(cases).forEach((key, i) => {
    runs[key] = results[i] as Run;
  });
}, 60_000);

afterAll(() => {
  if (tmp !== '') rmSync(tmp, { recursive: true, force: true });
});

const run = (key: string): Run => {
  const r = runs[key];
  if (r === undefined) throw new Error(`no run ${key}`);
  return r;
};

describe('ingest CLI', () => {
  it('--summary prints exactly one JSON object with the contract fields (shared HTML fixture)', () => {
    const r = run('htmlSummary');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const summary = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(summary)).toEqual([
      'file', 'format', 'locale', 'dateOrder', 'messages', 'system', 'media', 'deleted', 'authors', 'first', 'last',
    ]);
    expect(summary).toMatchObject({
      file: SHARED_HTML,
      format: 'imessage-exporter-html',
      locale: 'en',
      dateOrder: null,
      messages: 10,
      system: 1,
      authors: { Me: 6, 'steve@icloud.com': 1, '+15558675309': 3 },
      first: { ts: '2022-07-17T17:04:04', author: 'Me' },
      last: { ts: '2022-07-17T17:47:37', author: 'Me', text: 'Hang on guys, I have bad service right now. I hope you find this tool useful!' },
    });
  });

  it('--summary on a shared WhatsApp zip', () => {
    const r = run('zipSummary');
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { file: string; format: string; messages: number; authors: Record<string, number> };
    expect(summary.file).toBe(SHARED_ZIP);
    expect(summary.format).toMatch(/^whatsapp-/);
    expect(summary.messages).toBeGreaterThan(0);
    expect(Object.keys(summary.authors).length).toBeGreaterThan(0);
  });

  it('--json prints one item per line with ts, author (null for system), kind, text', () => {
    const r = run('txtJson');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(19);
    for (const line of lines) expect(Object.keys(line)).toEqual(['ts', 'author', 'kind', 'text']);
    expect(lines[0]).toEqual({ ts: '2024-01-05T09:03:07', author: 'Me', kind: 'message', text: "Morning all! Who's in for brunch on Sunday?" });
    expect(lines[4]).toEqual({ ts: '2024-01-05T12:00:00', author: null, kind: 'system', text: 'You renamed the conversation to Sunday Brunch 🥞' });
    expect(lines.filter((l) => l.author === null)).toHaveLength(3);
  });

  it('prints a human summary by default, participants sorted by count', () => {
    const r = run('txtHuman');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`File:         ${TXT}`);
    expect(r.stdout).toContain('Format:       imessage-exporter-txt');
    expect(r.stdout).toContain('Chat:         Sunday Brunch');
    expect(r.stdout).toContain('Locale:       en');
    expect(r.stdout).toContain('Date range:   2024-01-05T09:03:07 .. 2024-01-07T21:15:00');
    const participants = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('  ') && !l.startsWith('  -'))
      .map((l) => l.trim().split(/\s{2,}/));
    expect(participants).toEqual([
      ['Alice Smith', '5'],
      ['Me', '5'],
      ['Bob', '4'],
      ['+15558675309', '2'],
    ]);
  });

  it('exits 1 with the sentence the UI shows for a file that is not an export', () => {
    const png = run('png');
    expect(png.code).toBe(1);
    expect(png.stdout).toBe('');
    expect(png.stderr).toContain('"photo.png" is an image (PNG), not a chat export.');
    const notes = run('notes');
    expect(notes.code).toBe(1);
    expect(notes.stderr).toContain('"notes.txt" is not a chat export this app recognises.');
  });

  it('exits 2 with usage for a missing file or bad arguments', () => {
    for (const key of ['missing', 'noArgs', 'badFlag', 'both']) {
      const r = run(key);
      expect(r.code, key).toBe(2);
      expect(r.stdout, key).toBe('');
      expect(r.stderr, key).toContain('usage: npm run -s ingest -- <file> [--summary | --json]');
    }
    expect(run('missing').stderr).toContain('no such file');
  });
});
