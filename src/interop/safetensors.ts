/**
 * safetensors (https://github.com/huggingface/safetensors): 8 bytes little-endian u64 N, N bytes of JSON header
 * `{ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__"?: { string: string } }`, then the data,
 * offsets relative to its start. Reads F32, F16, BF16 and F64; writes F32.
 */
import { ioError } from './tensor-file-error.js';
import { fileSize, readBytes } from './file-bytes.js';
import {
  DTYPE_BYTES,
  type TensorDtype,
  type TensorFileLayout,
  type TensorInfo,
  type TensorSpec,
} from './tensor-layout.js';

/** The reference implementation's cap on the header (100 MB): anything longer is corruption, not a header. */
const MAX_HEADER_BYTES = 100_000_000;

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Reads and checks the header of a safetensors file; IO_ERROR naming the file (and tensor) when it is not valid. */
export function readSafetensorsLayout(path: string): TensorFileLayout {
  const size = fileSize(path);
  const file = JSON.stringify(path);
  const corrupt = (what: string, tensor?: string) =>
    ioError(
      path,
      `Corrupt safetensors file ${file}${tensor !== undefined ? ` (tensor "${tensor}")` : ''}: ${what}`,
      'corrupt',
      tensor,
    );
  if (size < 8) throw corrupt(`${size} bytes is too short for the 8-byte header length`);
  const n = new DataView(readBytes(path, 0, 8).buffer).getBigUint64(0, true);
  if (n > BigInt(size - 8)) throw corrupt(`the header length ${n} runs past the end of the file (${size} bytes)`);
  if (n > BigInt(MAX_HEADER_BYTES)) throw corrupt(`the header length ${n} exceeds ${MAX_HEADER_BYTES} bytes`);
  const headerBytes = Number(n);
  let header: unknown;
  let headerText: string;
  try {
    headerText = new TextDecoder('utf-8', { fatal: true }).decode(readBytes(path, 8, headerBytes));
    header = JSON.parse(headerText);
  } catch (e) {
    throw corrupt(`the header is not JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header))
    throw corrupt('the header is not a JSON object');
  // JSON.parse keeps the last of two equal keys: a duplicate tensor would silently hide the first one's data.
  const duplicate = duplicateTopLevelKey(headerText);
  if (duplicate !== undefined) throw corrupt('the header lists this name twice', duplicate);
  const dataStart = 8 + headerBytes;
  const dataBytes = size - dataStart;
  const tensors: TensorInfo[] = [];
  let metadata: Record<string, string> | undefined;
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry))
        throw corrupt('__metadata__ is not an object');
      metadata = Object.create(null) as Record<string, string>;
      for (const [k, v] of Object.entries(entry as object)) {
        if (typeof v !== 'string')
          throw corrupt(`__metadata__.${k} is not a string (the format maps strings to strings)`);
        metadata[k] = v;
      }
      continue;
    }
    if (entry === null || typeof entry !== 'object') throw corrupt('the entry is not an object', name);
    const e = entry as Record<string, unknown>;
    if (typeof e.dtype !== 'string') throw corrupt('dtype is missing', name);
    if (!(e.dtype in DTYPE_BYTES)) {
      throw ioError(
        path,
        `Unsupported dtype ${JSON.stringify(e.dtype)} for tensor "${name}" in ${file} (supported: ${Object.keys(DTYPE_BYTES).join(', ')})`,
        'unsupported',
        name,
      );
    }
    const dtype = e.dtype as TensorDtype;
    if (!Array.isArray(e.shape) || !e.shape.every(isCount))
      throw corrupt('shape is not a list of non-negative integers', name);
    const shape = e.shape as number[];
    const offsets = e.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
      throw corrupt('data_offsets is not [begin, end] with 0 ≤ begin ≤ end', name);
    }
    const [begin, end] = offsets as [number, number];
    const length = shape.reduce((a, b) => a * b, 1);
    if (end - begin !== length * DTYPE_BYTES[dtype]) {
      throw corrupt(
        `data_offsets [${begin}, ${end}] span ${end - begin} bytes but shape [${shape.join(', ')}] of ${dtype} needs ${length * DTYPE_BYTES[dtype]}`,
        name,
      );
    }
    if (end > dataBytes) {
      throw corrupt(`the data ends at byte ${dataStart + end} but the file holds ${size} bytes (truncated)`, name);
    }
    tensors.push({ name, dtype, shape, length, byteOffset: dataStart + begin, byteLength: end - begin });
  }
  // By start, then end: an empty tensor sorts before a tensor that starts where it does, so whether a range is
  // accepted does not depend on the order the header lists the tensors in.
  const sorted = [...tensors].sort(
    (a, b) => a.byteOffset - b.byteOffset || a.byteOffset + a.byteLength - (b.byteOffset + b.byteLength),
  );
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    if (sorted[i]!.byteOffset < prev.byteOffset + prev.byteLength) {
      throw corrupt(`its data overlaps that of tensor "${prev.name}"`, sorted[i]!.name);
    }
  }
  return { path, format: 'safetensors', size, tensors, ...(metadata ? { metadata } : {}) };
}

/** The header bytes (length prefix, JSON padded with spaces to a multiple of 8) of an all-F32 file, in spec order. */
export function safetensorsHeader(specs: readonly TensorSpec[], metadata?: Record<string, string>): Uint8Array {
  // No prototype: a tensor named "__proto__" is then an ordinary key, written and read back like any other.
  const header = Object.create(null) as Record<string, unknown>;
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const s of specs) {
    const bytes = s.shape.reduce((a, b) => a * b, 1) * 4;
    header[s.name] = { dtype: 'F32', shape: s.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const text = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + text.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  return out;
}

/**
 * The first key that appears twice at the top level of a JSON object text, or undefined. A scan of strings and
 * nesting only: the text has already parsed as JSON.
 */
function duplicateTopLevelKey(text: string): string | undefined {
  const seen = new Set<string>();
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (depth === 1 && expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (seen.has(key)) return key;
        seen.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === '{' || c === '[') {
      depth++;
      if (depth === 1) expectKey = true;
    } else if (c === '}' || c === ']') {
      depth--;
    } else if (c === ',' && depth === 1) {
      expectKey = true;
    }
  }
  return undefined;
}
