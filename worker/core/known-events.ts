/**
 * Which incident and maintenance ids may exist, as a Bloom filter the
 * snapshot carries (docs/decisions/0027-bounded-public-work.md). The edge
 * asks the StatusPage object about an id only when the filter says it may be
 * a public event: made-up ids in `/incidents/:id` are answered 404 from the
 * snapshot, so a flood of them never reaches the one object every write
 * needs. No false negatives; about 1% false positives, which the object
 * answers as before.
 */
export interface KnownEvents {
  /** Bits in the filter, a power of two. */
  bits: number;
  /** The filter's bytes, base64 (plain data: it crosses RPC and JSON alike). */
  filter: string;
}

const BITS_PER_ID = 10;
const HASHES = 5;
const MIN_BITS = 1_024;
/** 128 KB: 100,000 events at the designed rate; beyond that the rate of false positives rises, nothing breaks. */
const MAX_BITS = 1_048_576;

export function knownEvents(ids: readonly string[]): KnownEvents {
  return buildFilter(ids).known;
}

/** A filter sized for `ids`, with its bytes kept so later ids can be added (addToFilter). */
export function buildFilter(ids: readonly string[]): { bytes: Uint8Array; known: KnownEvents } {
  const bits = filterBits(ids.length);
  const bytes = new Uint8Array(bits / 8);
  addToFilter(bytes, bits, ids);
  return { bytes, known: encodeFilter(bytes, bits) };
}

/** The size of filter that holds `count` ids at the designed rate of false positives. */
export function filterBits(count: number): number {
  let bits = MIN_BITS;
  while (bits < count * BITS_PER_ID && bits < MAX_BITS) bits *= 2;
  return bits;
}

/** Sets `ids`' bits in a filter of `bits` bits: a filter grows by the ids added since it was built. */
export function addToFilter(bytes: Uint8Array, bits: number, ids: readonly string[]): void {
  for (const id of ids) {
    for (const bit of positions(id, bits)) bytes[bit >>> 3] = (bytes[bit >>> 3] ?? 0) | (1 << (bit & 7));
  }
}

export function encodeFilter(bytes: Uint8Array, bits: number): KnownEvents {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 8_192) binary += String.fromCharCode(...bytes.subarray(i, i + 8_192));
  return { bits, filter: btoa(binary) };
}

/** The last filter decoded: one snapshot serves many requests. */
let decoded = { filter: "", binary: "" };

/** False only when `id` is certainly not among the events the filter was built from. */
export function mayBeKnown(known: KnownEvents, id: string): boolean {
  if (decoded.filter !== known.filter) decoded = { filter: known.filter, binary: atob(known.filter) };
  const binary = decoded.binary;
  if (binary.length * 8 !== known.bits) return true;
  for (const bit of positions(id, known.bits)) {
    if (((binary.charCodeAt(bit >>> 3) >>> (bit & 7)) & 1) === 0) return false;
  }
  return true;
}

/** Double hashing over two FNV-1a hashes (Kirsch and Mitzenmacher): HASHES positions for one id. */
function positions(id: string, bits: number): number[] {
  const h1 = fnv1a(id, 0x811c9dc5);
  const h2 = fnv1a(id, 0x01000193) | 1;
  const out: number[] = [];
  for (let i = 0; i < HASHES; i++) out.push(((h1 + Math.imul(i, h2)) >>> 0) & (bits - 1));
  return out;
}

function fnv1a(text: string, seed: number): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
