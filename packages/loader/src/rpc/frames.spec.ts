import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder, type FrameFault } from './frames.js';

function decoder(limit: number) {
  const frames: unknown[] = [];
  const faults: FrameFault[] = [];
  const d = new FrameDecoder(
    limit,
    (m) => frames.push(m),
    (f) => faults.push(f),
  );
  return { d, frames, faults };
}

describe('frames', () => {
  it("a frame is the length, then exactly v8.serialize's bytes", () => {
    for (const v of [
      { t: 'log', fields: { b: Buffer.from('hi') } },
      new Uint16Array([1, 2]),
      'é',
    ]) {
      const frame = encodeFrame(v);
      expect(frame.readUInt32BE(0)).toBe(frame.length - 4);
      expect(frame.subarray(4).equals(serialize(v))).toBe(true);
    }
  });

  it('round-trips structured-clone values, split at every byte and coalesced', () => {
    const values = [
      { t: 'result', id: 1, value: new Map([['a', new Date(0)]]) },
      'x'.repeat(300),
      42,
    ];
    const bytes = Buffer.concat(values.map(encodeFrame));
    for (const step of [1, 3, 7, bytes.length]) {
      const { d, frames, faults } = decoder(1024);
      for (let i = 0; i < bytes.length; i += step) d.push(bytes.subarray(i, i + step));
      expect(faults).toEqual([]);
      expect(frames).toEqual(values);
    }
  });

  it('refuses a frame over the cap from its header alone, before its payload arrives', () => {
    const { d, frames, faults } = decoder(1024);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(0xfffffff0, 0);
    // Only the header: no payload has been sent, yet the frame is already refused.
    d.push(header);
    expect(faults).toEqual([{ kind: 'oversized', size: 0xfffffff0, limit: 1024 }]);
    // Dead afterwards: a stream that lied cannot be re-synchronised.
    d.push(encodeFrame('later'));
    expect(frames).toEqual([]);
  });

  it('positive control: the same value under a larger cap is delivered', () => {
    const big = encodeFrame('y'.repeat(4096));
    const small = decoder(1024);
    small.d.push(big);
    expect(small.faults.map((f) => f.kind)).toEqual(['oversized']);
    const large = decoder(8192);
    large.d.push(big);
    expect(large.frames).toEqual(['y'.repeat(4096)]);
  });

  it('reports a payload that is not a V8 serialisation as malformed', () => {
    const { d, faults } = decoder(1024);
    const frame = Buffer.from([0, 0, 0, 3, 1, 2, 3]);
    d.push(frame);
    expect(faults.map((f) => f.kind)).toEqual(['malformed']);
  });

  it('throws on a value structured clone cannot carry, before anything is written', () => {
    expect(() => encodeFrame({ fn() {} })).toThrow();
  });
});
