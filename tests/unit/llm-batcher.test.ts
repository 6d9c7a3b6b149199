// Streaming batcher (one post per frame interval, first token at once, tail flushed by a timer) and
// stop strings for engines without them (never emit text that belongs to a stop string).
import { describe, expect, it } from 'vitest';
import { DeltaBatcher, type BatcherClock } from '../../src/lib/llm/batcher';
import { StopScanner } from '../../src/lib/llm/stop';

class FakeClock implements BatcherClock {
  t = 0;
  timers: { at: number; fn: () => void; id: number }[] = [];
  #id = 0;
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.#id;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  advance(ms: number): void {
    this.t += ms;
    for (const timer of this.timers.filter((x) => x.at <= this.t)) {
      this.timers = this.timers.filter((x) => x !== timer);
      timer.fn();
    }
  }
}

describe('DeltaBatcher', () => {
  it('sends the first token at once, then at most one message per interval', () => {
    const clock = new FakeClock();
    const sent: [string, number][] = [];
    const b = new DeltaBatcher((d, n) => sent.push([d, n]), 16, clock);
    b.push('Hel');
    expect(sent).toEqual([['Hel', 1]]);
    // 40 tokens arrive within 10 ms (a fast GPU): they wait for the frame.
    for (let i = 0; i < 40; i++) {
      clock.advance(0.25);
      b.push('x');
    }
    expect(sent).toHaveLength(1);
    clock.advance(6);
    expect(sent).toEqual([
      ['Hel', 1],
      ['x'.repeat(40), 41],
    ]);
    expect(clock.timers).toHaveLength(0);
  });

  it('flushes a pending tail by timer even when no token follows', () => {
    const clock = new FakeClock();
    const sent: string[] = [];
    const b = new DeltaBatcher((d) => sent.push(d), 16, clock);
    b.push('a');
    clock.advance(5);
    b.push('b');
    expect(sent).toEqual(['a']);
    clock.advance(11);
    expect(sent).toEqual(['a', 'b']);
  });

  it('passes slow tokens through one by one, keeps order and drops nothing', () => {
    const clock = new FakeClock();
    const sent: string[] = [];
    const b = new DeltaBatcher((d) => sent.push(d), 16, clock);
    const words = ['one ', 'two ', 'three ', 'four'];
    for (const w of words) {
      b.push(w);
      clock.advance(70);
    }
    b.close();
    expect(sent).toEqual(words);
    b.push('late');
    b.flush();
    expect(sent.join('')).toBe('one two three four');
  });

  it('carries token counts without text (partial words) and sends them on close', () => {
    const clock = new FakeClock();
    const sent: [string, number][] = [];
    const b = new DeltaBatcher((d, n) => sent.push([d, n]), 16, clock);
    b.push('', 1);
    b.push('', 1);
    b.push('word ', 1);
    b.close();
    expect(sent.at(-1)).toEqual(['word ', 3]);
    expect(b.tokens).toBe(3);
  });
});

describe('StopScanner', () => {
  it('cuts at a stop string split across pieces and holds back a possible start', () => {
    const s = new StopScanner(['\nUser:']);
    expect(s.push('Hello there')).toBe('Hello there');
    expect(s.push('!\nUs')).toBe('!');
    expect(s.stopped).toBe(false);
    expect(s.push('er: hi')).toBe('');
    expect(s.stopped).toBe(true);
    expect(s.push('more')).toBe('');
    expect(s.end()).toBe('');
  });

  it('releases held text that never became a stop string', () => {
    const s = new StopScanner(['</s>']);
    expect(s.push('a <')).toBe('a ');
    expect(s.push('b')).toBe('<b');
    expect(s.push(' </')).toBe(' ');
    expect(s.end()).toBe('</');
  });

  it('picks the earliest of several stops and passes everything without stops', () => {
    const s = new StopScanner(['END', 'STOP']);
    expect(s.push('x STOP y END')).toBe('x ');
    const none = new StopScanner([]);
    expect(none.push('anything END')).toBe('anything END');
    expect(none.end()).toBe('');
  });
});
