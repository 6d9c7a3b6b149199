// `npm run -s ingest -- <file> --profile [--person NAME]`: one JSON style profile on stdout, the author
// with the most text messages by default, PII masked before measuring, usage errors with exit code 2.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StyleProfile } from '../../src/lib/persona/types';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHAT = 'tests/fixtures/persona/chat-en.txt';
const ITALIAN = fileURLToPath(new URL('../fixtures/exports/whatsapp/it/nmoya__22_OW_MT_2012_large.txt', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/ingest.ts', ...args], { cwd: ROOT, maxBuffer: 1 << 26 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

const runs: Record<string, Run> = {};

beforeAll(async () => {
  const cases: Record<string, () => Promise<Run>> = {
    byDefault: () => cli(CHAT, '--profile'),
    leo: () => cli(CHAT, '--profile', '--person', 'Leo'),
    leoEquals: () => cli(CHAT, '--profile', '--person=Leo'),
    nobody: () => cli(CHAT, '--profile', '--person', 'Nobody'),
    personAlone: () => cli(CHAT, '--person', 'Leo'),
    noName: () => cli(CHAT, '--profile', '--person'),
    twoModes: () => cli(CHAT, '--profile', '--summary'),
    italian: () => cli(ITALIAN, '--profile'),
  };
  const entries = await Promise.all(Object.entries(cases).map(async ([k, run]) => [k, await run()] as const));
  for (const [k, r] of entries) runs[k] = r;
}, 60_000);

const profileOf = (r: Run | undefined): StyleProfile => {
  expect(r?.code).toBe(0);
  const lines = (r?.stdout ?? '').trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] ?? '') as StyleProfile;
};

describe('ingest --profile', () => {
  it('prints the profile of the author with the most text messages', () => {
    const p = profileOf(runs.byDefault);
    expect(p.personName).toBe('Mia');
    // 8 items of which one is "<Media omitted>".
    expect(p.person.messages).toBe(7);
    expect(p.person.topEmojis).toEqual([
      { text: '😭', count: 2 },
      { text: '💀', count: 1 },
    ]);
    expect(p.person.casing.allLowercase).toBe(0.833);
    expect(p.person.languages[0]?.tag).toBe('en');
    expect(p.summary).toMatch(/^Writes short lowercase messages in English/u);
    expect(p.others.messages).toBe(3);
  });

  it('takes --person NAME or --person=NAME, and masks PII before measuring', () => {
    const p = profileOf(runs.leo);
    expect(p.personName).toBe('Leo');
    expect(p.person.messages).toBe(3);
    // 8, 12 (the phone number is masked, and a mask is not a word) and 4 words.
    expect(p.person.words).toMatchObject({ median: 8, p10: 4.8, p90: 11.2 });
    expect(runs.leo?.stdout).not.toMatch(/7700|900123/u);
    expect(runs.leoEquals?.stdout).toBe(runs.leo?.stdout);
  });

  it('profiles the Italian shared export', () => {
    const p = profileOf(runs.italian);
    expect(p.personName).toBe('ROOT');
    expect(p.person.languages[0]?.tag).toBe('it');
    expect(p.person.messages).toBeGreaterThan(10_000);
  });

  it('answers usage errors with exit code 2 and a sentence on stderr', () => {
    expect(runs.nobody?.code).toBe(2);
    expect(runs.nobody?.stderr).toContain('no participant named "Nobody" (participants: Mia, Leo)');
    expect(runs.nobody?.stdout).toBe('');
    expect(runs.personAlone?.code).toBe(2);
    expect(runs.personAlone?.stderr).toContain('--person goes with --profile');
    expect(runs.noName?.code).toBe(2);
    expect(runs.twoModes?.code).toBe(2);
  });
});
