// Load progress: web-llm 0.2.79's init reports (texts as its fetchNDArrayCache / shader loader /
// reload write them) parsed into phases with MB, %, shard counts and ETA; transformers.js per-file
// events summed into one download.
import { describe, expect, it } from 'vitest';
import { FileProgressAggregator, isWebLlmFinished, parseWebLlmReport } from '../../src/lib/llm/progress';

const MB = 1024 * 1024;

describe('parseWebLlmReport', () => {
  it('starts the download phase with unknown totals', () => {
    expect(parseWebLlmReport({ progress: 0, timeElapsed: 0, text: 'Start to fetch params' })).toEqual({
      phase: 'download',
      bytesDone: 0,
      bytesTotal: null,
      fraction: 0,
      etaSeconds: null,
    });
  });

  it('reads MB, shards and an ETA from a fetch report', () => {
    const p = parseWebLlmReport({
      progress: 0.25,
      timeElapsed: 10,
      text: 'Fetching param cache[2/9]: 74MB fetched. 25% completed, 10 secs elapsed. It can take a while when we first visit this page to populate the cache. Later refreshes will become faster.',
    });
    expect(p).toEqual({ phase: 'download', bytesDone: 74 * MB, bytesTotal: 296 * MB, fraction: 0.25, etaSeconds: 30, filesDone: 3, filesTotal: 9 });
  });

  it('has no ETA until a rate can be measured, and 0 at the end', () => {
    const early = parseWebLlmReport({ progress: 0.005, timeElapsed: 1, text: 'Fetching param cache[0/9]: 2MB fetched. 0% completed, 1 secs elapsed. It can take' });
    expect(early?.phase === 'download' && early.etaSeconds).toBeNull();
    const done = parseWebLlmReport({ progress: 1, timeElapsed: 40, text: 'Fetching param cache[8/9]: 295MB fetched. 100% completed, 40 secs elapsed.' });
    expect(done).toMatchObject({ fraction: 1, etaSeconds: 0, filesDone: 9 });
  });

  it('uses the shard count for loading from cache (its byte counter stays 0 when all was cached)', () => {
    expect(parseWebLlmReport({ progress: 0, timeElapsed: 2, text: 'Loading model from cache[3/9]: 0MB loaded. 0% completed, 2 secs elapsed.' })).toEqual({
      phase: 'load',
      fraction: 3 / 9,
      bytesDone: 0,
      filesDone: 3,
      filesTotal: 9,
    });
  });

  it('reads shader compilation counts and estimates the rest', () => {
    expect(parseWebLlmReport({ progress: 0.5, timeElapsed: 8, text: 'Loading GPU shader modules[60/120]: 50% completed, 8 secs elapsed.' })).toEqual({
      phase: 'compile',
      fraction: 0.5,
      done: 60,
      total: 120,
      etaSeconds: 8,
    });
  });

  it('ignores texts it does not know and recognizes the end', () => {
    expect(parseWebLlmReport({ progress: 0.3, timeElapsed: 1, text: 'Something new in a later version' })).toBeNull();
    const end = { progress: 1, timeElapsed: 23, text: 'Finish loading on WebGPU - google' };
    expect(parseWebLlmReport(end)).toBeNull();
    expect(isWebLlmFinished(end)).toBe(true);
  });
});

describe('FileProgressAggregator', () => {
  it('sums bytes over files with an ETA from the elapsed time', () => {
    let now = 0;
    const agg = new FileProgressAggregator(() => now);
    agg.update({ status: 'initiate', file: 'config.json' });
    agg.update({ status: 'progress', file: 'config.json', loaded: 1000, total: 1000 });
    agg.update({ status: 'done', file: 'config.json' });
    now = 4000;
    const p = agg.update({ status: 'progress', file: 'onnx/model_quantized.onnx', loaded: 24_000, total: 99_000 });
    expect(p).toEqual({ phase: 'download', bytesDone: 25_000, bytesTotal: 100_000, fraction: 0.25, etaSeconds: 12, filesDone: 1, filesTotal: 2 });
    expect(agg.update({ status: 'ready' })).toBeNull();
  });

  it('counts cached files (no byte events) by completion', () => {
    const agg = new FileProgressAggregator(() => 0);
    agg.update({ status: 'initiate', file: 'a' });
    agg.update({ status: 'initiate', file: 'b' });
    expect(agg.update({ status: 'done', file: 'a' })).toMatchObject({ fraction: 0.5, bytesTotal: null, filesDone: 1, filesTotal: 2 });
  });
});
