import { describe, expect, it } from 'vitest';
import {
  decodeFrame,
  encodeAnswer,
  encodeCall,
  encodeCancel,
  type Frame,
  MAX_HEADER_BYTES,
  overLimit,
  SIGNATURE_CHARS,
} from './frames.js';

const SIG = `v3=${'a'.repeat(64)}`;
const call = {
  id: 7,
  operation: 'invoke',
  timestamp: 1_800_000_000_000,
  nonce: 'n'.repeat(22),
  member: 'b',
};

describe('channel frames', () => {
  it('round-trips a call: the signer sees exactly the body bytes the frame carries', () => {
    const body = '{"resource":"pool-é"}';
    let signed: Buffer | undefined;
    const frame = encodeCall(call, body, (b) => {
      signed = Buffer.from(b);
      return SIG;
    });
    expect(signed?.toString('utf8')).toBe(body);
    expect(decodeFrame(frame)).toEqual({
      kind: 'call',
      id: 7,
      operation: 'invoke',
      timestamp: '1800000000000',
      nonce: 'n'.repeat(22),
      member: 'b',
      signature: SIG,
      body: Buffer.from(body),
    });
  });

  it('round-trips an answer and a cancel', () => {
    const answer = encodeAnswer(12, 401, '{"ok":false}', () => SIG);
    expect(decodeFrame(answer)).toEqual({
      kind: 'answer',
      id: 12,
      status: 401,
      signature: SIG,
      body: Buffer.from('{"ok":false}'),
    });
    expect(decodeFrame(encodeCancel(12))).toEqual({ kind: 'cancel', id: 12 });
  });

  it('keeps a body that holds tabs and newlines intact (only the first newline ends the header)', () => {
    const body = '{"a":"x\\ty\\nz"}\n\t';
    const f = decodeFrame(encodeCall(call, body, () => SIG)) as Extract<Frame, { kind: 'call' }>;
    expect(f.body.toString()).toBe(body);
  });

  it('refuses to write a signature of another length', () => {
    expect(() => encodeCall(call, '{}', () => 'v3=short')).toThrow(RangeError);
    expect(SIG).toHaveLength(SIGNATURE_CHARS);
  });

  it.each([
    ['no newline', 'call\t1\tinvoke', undefined, 'no header line'],
    [
      'a header too long',
      `call\t1\t${'x'.repeat(MAX_HEADER_BYTES)}\n`,
      undefined,
      'no header line',
    ],
    ['no id', 'answer\t\t200\tsig\n{}', undefined, 'id'],
    ['a negative id', 'cancel\t-1\n', undefined, 'id'],
    ['an unknown kind', 'hello\t3\n', 3, 'kind'],
    ['a call with a field missing', 'call\t3\tinvoke\t1\tn\tb\n{}', 3, 'call header'],
    ['an answer without a status', 'answer\t3\tok\tsig\n{}', 3, 'answer header'],
    ['a cancel with extra fields', 'cancel\t3\tx\n', 3, 'cancel header'],
  ])('reads %s as malformed', (_name, text, id, why) => {
    expect(decodeFrame(Buffer.from(text))).toEqual({ kind: 'malformed', id, why });
  });

  it.each([
    ['ASCII under the cap', 'x'.repeat(10), 10, false],
    ['ASCII one over', 'x'.repeat(11), 10, true],
    ['two-byte characters exactly at the cap', 'é'.repeat(5), 10, false],
    ['two-byte characters one over', 'é'.repeat(6), 10, true],
    ['three-byte characters decided by measuring', '€'.repeat(4), 10, true],
    ['a surrogate pair (4 bytes in 2 units) at the cap', `${'😀'.repeat(2)}xx`, 10, false],
    ['an empty body', '', 0, false],
  ])('overLimit: %s', (_name, body, limit, over) => {
    expect(overLimit(body, limit)).toBe(over);
    // The rule it stands for: the UTF-8 byte length against the cap.
    expect(Buffer.byteLength(body) > limit).toBe(over);
  });
});
