// The storage line: numbers as a person reads them, and the eviction warning with its advice exactly
// when the browser has not promised to keep the data (installed apps get the backup advice only).
import { describe, expect, it } from 'vitest';
import { describeStorage } from '../../src/pwa/storage-status';

const MB = 1_048_576;
const GB = 1_073_741_824;

describe('describeStorage', () => {
  it('shows used and available space', () => {
    const view = describeStorage({ usage: 3.2 * MB, quota: 2 * GB, persisted: true, installed: false });
    expect(view.summary).toBe('3.2 MB used · 2.0 GB available');
    expect(view).toMatchObject({ risk: 'persisted', advice: null, nearlyFull: false });
  });

  it('warns and nudges to install when the data is not persisted and the app is not installed', () => {
    const view = describeStorage({ usage: 10 * MB, quota: 2 * GB, persisted: false, installed: false });
    expect(view.risk).toBe('may-evict');
    expect(view.advice).toContain('Install the app');
    expect(view.advice).toContain('7 days');
    expect(view.advice).toContain('backup');
  });

  it('gives installed apps the backup advice only', () => {
    const view = describeStorage({ usage: 10 * MB, quota: 2 * GB, persisted: false, installed: true });
    expect(view.risk).toBe('may-evict');
    expect(view.advice).not.toContain('Install');
    expect(view.advice).toContain('backup');
  });

  it('is honest when the browser tells nothing', () => {
    const view = describeStorage({ usage: null, quota: null, persisted: null, installed: false });
    expect(view.summary).toBe('Storage use unknown');
    expect(view.risk).toBe('unknown');
    expect(view.advice).not.toBeNull();
    expect(view.nearlyFull).toBe(false);
  });

  it('flags nearly full storage (under 10% or 200 MB left)', () => {
    expect(describeStorage({ usage: 1.95 * GB, quota: 2 * GB, persisted: true, installed: false }).nearlyFull).toBe(true);
    expect(describeStorage({ usage: 9.85 * GB, quota: 10 * GB, persisted: true, installed: false }).nearlyFull).toBe(true);
    expect(describeStorage({ usage: 8 * GB, quota: 10 * GB, persisted: true, installed: false }).nearlyFull).toBe(false);
    // usage above quota (browsers round estimates) never shows negative space
    expect(describeStorage({ usage: 3 * GB, quota: 2 * GB, persisted: true, installed: false }).summary).toBe('3.0 GB used · 0 B available');
  });
});
