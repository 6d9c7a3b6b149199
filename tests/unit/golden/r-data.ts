// A small reader for R's serialized data (gzip'd XDR, .rds/.RDS) so the golden tests can compare with
// WhatsR and rwhatsapp outputs without R. It reads only what a data.frame of atomic columns needs and
// throws on anything else (ALTREP, closures, environments), so a changed file fails loudly.

import { gunzipSync } from 'node:zlib';

export type RVector =
  | { kind: 'double'; values: (number | null)[]; attributes: Map<string, RValue> }
  | { kind: 'integer'; values: (number | null)[]; attributes: Map<string, RValue> }
  | { kind: 'logical'; values: (boolean | null)[]; attributes: Map<string, RValue> }
  | { kind: 'string'; values: (string | null)[]; attributes: Map<string, RValue> }
  | { kind: 'list'; values: RValue[]; attributes: Map<string, RValue> };
export type RValue = RVector | { kind: 'symbol'; name: string } | { kind: 'char'; value: string | null } | null;

const NA_INTEGER = -2147483648;

class XdrReader {
  private pos = 0;
  private readonly view: DataView;
  private readonly refs: RValue[] = [];
  private readonly decoder = new TextDecoder();

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  int(): number {
    const v = this.view.getInt32(this.pos, false);
    this.pos += 4;
    return v;
  }

  double(): number {
    const v = this.view.getFloat64(this.pos, false);
    this.pos += 8;
    return v;
  }

  header(): void {
    if (this.bytes[0] !== 0x58 || this.bytes[1] !== 0x0a) throw new Error('not an XDR R serialization');
    this.pos = 2;
    const version = this.int();
    this.int();
    this.int();
    if (version === 3) this.pos += this.int();
    else if (version !== 2) throw new Error(`unsupported serialization version ${version}`);
  }

  /** A pairlist of attributes (tag -> value). */
  private pairlist(flags: number): Map<string, RValue> {
    const out = new Map<string, RValue>();
    let current = flags;
    for (;;) {
      if ((current & 0x200) !== 0) this.item(); // attributes of the pairlist node itself
      const tag = (current & 0x400) !== 0 ? this.item() : null;
      const value = this.item();
      out.set(tag !== null && tag.kind === 'symbol' ? tag.name : '', value);
      current = this.int();
      const type = current & 0xff;
      if (type === 254) return out;
      if (type !== 2) throw new Error(`pairlist continues with type ${type}`);
    }
  }

  item(): RValue {
    const flags = this.int();
    const type = flags & 0xff;
    const hasAttributes = (flags & 0x200) !== 0;
    switch (type) {
      case 254: // NILVALUE
        return null;
      case 255: {
        // REFSXP: index in the high bits, or in the next int when they are 0
        const index = flags >>> 8 || this.int();
        const ref = this.refs[index - 1];
        if (ref === undefined) throw new Error(`dangling reference ${index}`);
        return ref;
      }
      case 1: {
        const name = this.item();
        const symbol: RValue = { kind: 'symbol', name: name !== null && name.kind === 'char' ? (name.value ?? '') : '' };
        this.refs.push(symbol);
        return symbol;
      }
      case 2: {
        const list = this.pairlist(flags);
        return { kind: 'list', values: [...list.values()], attributes: new Map() };
      }
      case 9: {
        const length = this.int();
        if (length === -1) return { kind: 'char', value: null };
        const value = this.decoder.decode(this.bytes.subarray(this.pos, this.pos + length));
        this.pos += length;
        return { kind: 'char', value };
      }
      case 10:
      case 13:
      case 14:
      case 16:
      case 19:
        return this.vector(type, hasAttributes);
      default:
        throw new Error(`unsupported R type ${type}`);
    }
  }

  private vector(type: number, hasAttributes: boolean): RVector {
    const length = this.int();
    let vector: RVector;
    if (type === 14) {
      const values: (number | null)[] = [];
      for (let i = 0; i < length; i++) {
        const v = this.double();
        values.push(Number.isNaN(v) ? null : v);
      }
      vector = { kind: 'double', values, attributes: new Map() };
    } else if (type === 13 || type === 10) {
      const ints: (number | null)[] = [];
      for (let i = 0; i < length; i++) {
        const v = this.int();
        ints.push(v === NA_INTEGER ? null : v);
      }
      vector =
        type === 13
          ? { kind: 'integer', values: ints, attributes: new Map() }
          : { kind: 'logical', values: ints.map((v) => (v === null ? null : v !== 0)), attributes: new Map() };
    } else if (type === 16) {
      const values: (string | null)[] = [];
      for (let i = 0; i < length; i++) {
        const c = this.item();
        values.push(c !== null && c.kind === 'char' ? c.value : null);
      }
      vector = { kind: 'string', values, attributes: new Map() };
    } else {
      const values: RValue[] = [];
      for (let i = 0; i < length; i++) values.push(this.item());
      vector = { kind: 'list', values, attributes: new Map() };
    }
    if (hasAttributes) vector.attributes = this.pairlist(this.int());
    return vector;
  }
}

export function readRds(gzipped: Uint8Array): RValue {
  const reader = new XdrReader(new Uint8Array(gunzipSync(gzipped)));
  reader.header();
  return reader.item();
}

/** The columns of a serialized data.frame / tibble, by name. */
export function dataFrameColumns(value: RValue): Map<string, RVector> {
  if (value === null || value.kind !== 'list') throw new Error('not a data.frame');
  const names = value.attributes.get('names');
  if (names === undefined || names === null || names.kind !== 'string') throw new Error('data.frame without names');
  const out = new Map<string, RVector>();
  names.values.forEach((name, i) => {
    const column = value.values[i];
    if (name !== null && column !== null && column !== undefined && 'values' in column) out.set(name, column);
  });
  return out;
}

/** A column as text: factors resolved through their levels, NA as null. */
export function columnStrings(column: RVector): (string | null)[] {
  if (column.kind === 'string') return column.values;
  if (column.kind === 'integer') {
    const levels = column.attributes.get('levels');
    if (levels !== undefined && levels !== null && levels.kind === 'string') {
      return column.values.map((v) => (v === null ? null : (levels.values[v - 1] ?? null)));
    }
  }
  throw new Error(`column of kind ${column.kind} is not text`);
}

/** POSIXct seconds as the item model's local time (they were stored as UTC wall-clock time). */
export function posixToIso(seconds: number | null): string | null {
  if (seconds === null) return null;
  return new Date(Math.floor(seconds) * 1000).toISOString().slice(0, 19);
}
