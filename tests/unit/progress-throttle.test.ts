// throttle(): at most one value per interval, except forced values and, when phases are named, the
// first value of each new phase (so a phase change is never held back behind the interval).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttle } from '../../src/lib/rpc/progress';

type P = { phase: string; n: number };

describe('throttle', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
  });
  afterEach(() => vi.useRealTimers());

  it('drops values within the interval unless forced', () => {
    const seen: number[] = [];
    const report = throttle((p: P) => seen.push(p.n), 100);
    report({ phase: 'a', n: 1 });
    report({ phase: 'b', n: 2 });
    report({ phase: 'b', n: 3 }, true);
    vi.setSystemTime(250);
    report({ phase: 'b', n: 4 });
    expect(seen).toEqual([1, 3, 4]);
  });

  it('lets the first value of a new phase through at once when phases are named', () => {
    const seen: number[] = [];
    const report = throttle((p: P) => seen.push(p.n), 100, (p) => p.phase);
    report({ phase: 'write', n: 1 });
    report({ phase: 'write', n: 2 });
    report({ phase: 'build', n: 3 });
    report({ phase: 'build', n: 4 });
    vi.setSystemTime(150);
    report({ phase: 'build', n: 5 });
    expect(seen).toEqual([1, 3, 5]);
  });
});
