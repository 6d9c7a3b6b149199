// ONNX Runtime's thread count: one thread without cross-origin isolation (no SharedArrayBuffer), else the
// default share of the cores, never more cores than the device has, and a request is honoured within that.
import { describe, expect, it } from 'vitest';
import { MAX_ORT_THREADS, ortThreadCount } from '../../src/lib/embed/threads';

describe('ortThreadCount', () => {
  it('is one thread whenever the page is not cross-origin isolated, whatever is asked', () => {
    expect(ortThreadCount({ crossOriginIsolated: false, hardwareConcurrency: 16 })).toBe(1);
    expect(ortThreadCount({ crossOriginIsolated: false, hardwareConcurrency: 16 }, 8)).toBe(1);
  });

  it('uses the cores when isolated, up to the cap', () => {
    expect(ortThreadCount({ crossOriginIsolated: true, hardwareConcurrency: 2 })).toBe(2);
    expect(ortThreadCount({ crossOriginIsolated: true, hardwareConcurrency: 1 })).toBe(1);
    expect(ortThreadCount({ crossOriginIsolated: true, hardwareConcurrency: 32 })).toBe(MAX_ORT_THREADS);
    expect(ortThreadCount({ crossOriginIsolated: true, hardwareConcurrency: 0 })).toBe(1);
  });

  it('honours a request within the cores and the cap', () => {
    expect(ortThreadCount({ crossOriginIsolated: true, hardwareConcurrency: 8 }, 1)).toBe(1);
    expect(ortThreadCount({ crossOriginIsolated: true, hardwareConcurrency: 2 }, 6)).toBe(2);
    expect(ortThreadCount({ crossOriginIsolated: true, hardwareConcurrency: 8 }, 0)).toBe(1);
  });
});
