// openZip (generic archives: persona bundles): opening inflates nothing, so a zip bomb of many huge
// members costs nothing until a member is read; too many members and a declared total past the cap are
// refused before inflating, a member stops one byte past its declared (or expected) size.
// Bombs are written here by hand (one deflate stream reused for every member) so building them is fast.
import { crc32, deflateRawSync } from 'node:zlib';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { ImportError } from '../../src/lib/ingest/errors';
import { openZip, type OpenZipLimits } from '../../src/lib/ingest/zip';

const MB = 1024 * 1024;
const LIMITS: OpenZipLimits = { maxMemberBytes: 1536 * MB, maxRatio: 1e9, ratioFloorBytes: 64 * MB, maxMembers: 256, maxTotalBytes: 3 * 1024 * MB };

interface RawMember {
  name: string;
  /** The raw deflate stream, its CRC and size when inflated, and the size the central directory declares. */
  deflated: Uint8Array;
  crc: number;
  size: number;
  declaredSize?: number;
}

/** A zip of DEFLATE members written as given (sizes may lie, as in a crafted archive). */
function rawZip(members: readonly RawMember[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const m of members) {
    const name = new TextEncoder().encode(m.name);
    const declared = m.declaredSize ?? m.size;
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(8, 8, true);
    local.setUint32(14, m.crc, true);
    local.setUint32(18, m.deflated.byteLength, true);
    local.setUint32(22, declared, true);
    local.setUint16(26, name.byteLength, true);
    parts.push(new Uint8Array(local.buffer), name, m.deflated);
    const record = new DataView(new ArrayBuffer(46));
    record.setUint32(0, 0x02014b50, true);
    record.setUint16(4, 20, true);
    record.setUint16(6, 20, true);
    record.setUint16(10, 8, true);
    record.setUint32(16, m.crc, true);
    record.setUint32(20, m.deflated.byteLength, true);
    record.setUint32(24, declared, true);
    record.setUint16(28, name.byteLength, true);
    record.setUint32(42, offset, true);
    central.push(new Uint8Array(record.buffer), name);
    offset += 30 + name.byteLength + m.deflated.byteLength;
  }
  const centralSize = central.reduce((s, c) => s + c.byteLength, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, members.length, true);
  end.setUint16(10, members.length, true);
  end.setUint32(12, centralSize, true);
  end.setUint32(16, offset, true);
  const all = [...parts, ...central, new Uint8Array(end.buffer)];
  const out = new Uint8Array(all.reduce((s, p) => s + p.byteLength, 0));
  let at = 0;
  for (const p of all) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** `count` members of `size` zero bytes each (one deflate stream shared by all). */
function zeros(count: number, size: number, declaredSize?: number): RawMember[] {
  const data = new Uint8Array(size);
  const deflated = new Uint8Array(deflateRawSync(data, { level: 9 }));
  const crc = crc32(data);
  return Array.from({ length: count }, (_, i) => ({ name: `bomb/${i}.bin`, deflated, crc, size, ...(declaredSize === undefined ? {} : { declaredSize }) }));
}

async function importError(promise: Promise<unknown>): Promise<ImportError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ImportError) return error;
    throw error;
  }
  throw new Error('expected an ImportError');
}

describe('openZip against zip bombs', () => {
  it('opens a 1 GB bomb (20 x 50 MB of zeros) without inflating a member', async () => {
    const bytes = rawZip(zeros(20, 50 * MB));
    expect(bytes.byteLength).toBeLessThan(2 * MB);
    // That opening inflates nothing is shown by the next test (a damaged member opens fine); here, that a
    // gigabyte of members opens at all from a 2 MB file. Speed is bench territory, not a test's.
    const zip = await openZip('bomb.zip', bytes, LIMITS);
    expect(zip.names).toHaveLength(20);
  });

  it('inflates nothing on opening: a member whose data is damaged only fails when it is read', async () => {
    const good = zeros(1, 1000)[0] as RawMember;
    const damaged: RawMember = { name: 'damaged.bin', deflated: Uint8Array.from([0xff, 0xff, 0xff, 0xff]), crc: 0, size: 1000 };
    const zip = await openZip('mixed.zip', rawZip([{ ...good, name: 'good.bin' }, damaged]), LIMITS);
    expect(zip.names).toEqual(['good.bin', 'damaged.bin']);
    expect((await zip.read('good.bin')).byteLength).toBe(1000);
    const error = await importError(zip.read('damaged.bin'));
    expect(error.code).toBe('bad-zip');
    expect(error.message).toMatch(/"mixed\.zip" is damaged: "damaged\.bin" inside it cannot be unpacked/);
  });

  it('refuses too many members and a declared total past the cap before inflating anything', async () => {
    const many = await importError(openZip('many.zip', rawZip(zeros(300, 10)), LIMITS));
    expect(many.code).toBe('zip-too-large');
    expect(many.message).toMatch(/^"many\.zip" holds 300 files \(the limit is 256\)/);
    const big = await importError(openZip('big.zip', rawZip(zeros(20, 50 * MB)), { ...LIMITS, maxTotalBytes: 100 * MB }));
    expect(big.code).toBe('zip-too-large');
    expect(big.message).toMatch(/^"big\.zip" would expand to 1000 MB \(the limit is 100 MB\)/);
  });

  it('stops one byte past a lying declared size, and past the size the caller expects', async () => {
    // Each member says 1 KB but inflates to 64 MB: reading stops right after the declared 1 KB.
    const zip = await openZip('liar.zip', rawZip(zeros(2, 64 * MB, 1024)), LIMITS);
    const liar = await importError(zip.read('bomb/0.bin'));
    expect(liar.code).toBe('zip-too-large');
    expect(liar.message).toBe('"liar.zip" contains "bomb/0.bin", which expands past the 1024 bytes the zip declares for it.');
    const honest = await openZip('honest.zip', rawZip(zeros(1, 4096)), LIMITS);
    const expected = await importError(honest.read('bomb/0.bin', 1025));
    expect(expected.message).toMatch(/"bomb\/0\.bin", which expands past the 1025 bytes it should hold/);
    expect(expected.details?.['limit']).toBe(1025);
    expect((await honest.read('bomb/0.bin', 4097)).byteLength).toBe(4096);
  });

  it('still reads a normal archive written by writeZip-style jszip', async () => {
    const zip = new JSZip();
    zip.file('manifest.json', '{"a":1}');
    zip.file('rows/x.json', '[1,2,3]');
    const opened = await openZip('ok.zip', await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' }), LIMITS);
    expect(opened.names.sort()).toEqual(['manifest.json', 'rows/x.json']);
    expect(new TextDecoder().decode(await opened.read('rows/x.json'))).toBe('[1,2,3]');
  });
});
