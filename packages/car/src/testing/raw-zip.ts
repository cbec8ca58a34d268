import { crc32, deflateRawSync } from 'node:zlib';

/** One entry of a hand-made zip, with every field a hostile archive may lie about. */
export interface RawEntry {
  readonly name: string | Buffer;
  readonly data?: Buffer;
  /** 0 stored, 8 deflate (default), anything else is written as is. */
  readonly method?: number;
  readonly flags?: number;
  /** High byte 3 = Unix; external attributes carry the Unix mode in their upper 16 bits. */
  readonly versionMadeBy?: number;
  readonly externalAttributes?: number;
  readonly declaredSize?: number;
  readonly crc?: number;
  /**
   * Writes sizes and CRC-32 after the data in a data descriptor (flag bit 3, zeros in the local
   * header), as streaming writers do; each field defaults to the true value.
   */
  readonly descriptor?: {
    readonly crc?: number;
    readonly compressedSize?: number;
    readonly uncompressedSize?: number;
    /** Write the optional descriptor signature (default true). */
    readonly signature?: boolean;
  };
  /** Bytes after the entry (and its descriptor) that no record points at. */
  readonly trailing?: Buffer;
}

/** Frame-level lies a hostile zip may tell. */
export interface RawZipOptions {
  /** Entry count written in the end record (default: the true count). */
  readonly declaredCount?: number;
  /** Bytes written before the first local header (a self-extractor stub). */
  readonly prefix?: Buffer;
  /** Whether the offsets account for the prefix (as `zip -A` adjusts them); default true. */
  readonly adjustOffsets?: boolean;
}

/**
 * Builds a zip byte by byte (tests only): yazl refuses to write symlinks, encrypted flags,
 * duplicate or traversing names and lying sizes, which is exactly what hostile fixtures need.
 */
export function rawZip(entries: readonly RawEntry[], options: RawZipOptions = {}): Buffer {
  const prefix = options.prefix ?? Buffer.alloc(0);
  const locals: Buffer[] = [prefix];
  const centrals: Buffer[] = [];
  const base = options.adjustOffsets === false ? -prefix.length : 0;
  let offset = prefix.length;
  for (const e of entries) {
    const name = typeof e.name === 'string' ? Buffer.from(e.name, 'utf8') : e.name;
    const data = e.data ?? Buffer.alloc(0);
    const method = e.method ?? 8;
    const body = method === 8 ? deflateRawSync(data) : data;
    const crc = e.crc ?? crc32(data);
    const size = e.declaredSize ?? data.length;
    const flags = (e.flags ?? 0) | 0x800 | (e.descriptor ? 0x08 : 0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12);
    if (!e.descriptor) {
      local.writeUInt32LE(crc >>> 0, 14);
      local.writeUInt32LE(body.length, 18);
      local.writeUInt32LE(size, 22);
    }
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(e.versionMadeBy ?? 0x031e, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE((e.externalAttributes ?? 0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(offset + base, 42);
    const descriptor = e.descriptor
      ? dataDescriptor(e.descriptor, crc, body.length, size)
      : Buffer.alloc(0);
    const trailing = e.trailing ?? Buffer.alloc(0);
    locals.push(local, name, body, descriptor, trailing);
    centrals.push(central, name);
    offset += local.length + name.length + body.length + descriptor.length + trailing.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  const count = options.declaredCount ?? entries.length;
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset + base, 16);
  return Buffer.concat([...locals, cd, end]);
}

function dataDescriptor(
  d: NonNullable<RawEntry['descriptor']>,
  crc: number,
  compressedSize: number,
  uncompressedSize: number,
): Buffer {
  const out = Buffer.alloc(16);
  out.writeUInt32LE(0x08074b50, 0);
  out.writeUInt32LE((d.crc ?? crc) >>> 0, 4);
  out.writeUInt32LE(d.compressedSize ?? compressedSize, 8);
  out.writeUInt32LE(d.uncompressedSize ?? uncompressedSize, 12);
  return d.signature === false ? out.subarray(4) : out;
}

/** Raw entries for every file of a map, in map order. */
export function rawEntries(files: ReadonlyMap<string, Buffer>): RawEntry[] {
  return [...files].map(([name, data]) => ({ name, data }));
}
