/**
 * NumPy `.npy` (format versions 1, 2 and 3): magic `\x93NUMPY`, version, header length (u16 for v1, u32 after), a
 * Python dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` padded to 64 bytes, then the C-order
 * data. Reads little-endian f4, f2 and f8; writes v1 '<f4'. One array per file: its tensor is named {@link NPY_TENSOR_NAME}.
 */
import { ioError } from './tensor-file-error.js';
import { fileSize, readBytes } from './file-bytes.js';
import type { TensorDtype, TensorFileLayout, TensorSpec } from './tensor-layout.js';

/** The name under which a `.npy` file's one array is matched against other inputs. */
export const NPY_TENSOR_NAME = 'array';

const DESCR: Record<string, TensorDtype> = { '<f4': 'F32', '<f2': 'F16', '<f8': 'F64' };
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Reads and checks the header of a `.npy` file; IO_ERROR naming the file when it is not valid or not supported. */
export function readNpyLayout(path: string): TensorFileLayout {
  const size = fileSize(path);
  const file = JSON.stringify(path);
  const corrupt = (what: string) => ioError(path, `Corrupt .npy file ${file}: ${what}`, 'corrupt', NPY_TENSOR_NAME);
  const unsupported = (what: string) =>
    ioError(path, `Unsupported .npy file ${file}: ${what}`, 'unsupported', NPY_TENSOR_NAME);
  if (size < 10) throw corrupt(`${size} bytes is too short for the magic and header length`);
  const prefix = readBytes(path, 0, Math.min(size, 12));
  if (!MAGIC.every((b, i) => prefix[i] === b)) throw corrupt('the magic string \\x93NUMPY is missing');
  const major = prefix[6]!;
  if (major < 1 || major > 3) throw unsupported(`format version ${major}.${prefix[7]}`);
  const view = new DataView(prefix.buffer);
  const lengthBytes = major === 1 ? 2 : 4;
  if (size < 8 + lengthBytes) throw corrupt('the header length is cut off');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lengthBytes + headerLength;
  if (dataStart > size)
    throw corrupt(`the header length ${headerLength} runs past the end of the file (${size} bytes)`);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(readBytes(path, 8 + lengthBytes, headerLength));
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(text)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined || !text.trim().startsWith('{')) {
    throw corrupt(
      `the header ${JSON.stringify(text.trim().slice(0, 120))} is not a dict with descr, fortran_order and shape`,
    );
  }
  const dtype = DESCR[descr];
  if (dtype === undefined) {
    throw unsupported(`dtype ${JSON.stringify(descr)} (supported: little-endian ${Object.keys(DESCR).join(', ')})`);
  }
  if (fortran === 'True')
    throw unsupported('Fortran-order (column-major) data; save it C-ordered (np.ascontiguousarray)');
  const parts = shapeText
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (!parts.every((p) => /^\d+L?$/.test(p))) throw corrupt(`the shape (${shapeText}) is not a tuple of integers`);
  const shape = parts.map((p) => Number.parseInt(p, 10));
  const length = shape.reduce((a, b) => a * b, 1);
  const byteLength = length * { F32: 4, F16: 2, BF16: 2, F64: 8 }[dtype];
  if (dataStart + byteLength > size) {
    throw corrupt(
      `shape (${shape.join(', ')}) of ${descr} needs ${byteLength} data bytes but the file holds ${size - dataStart} (truncated)`,
    );
  }
  return {
    path,
    format: 'npy',
    size,
    tensors: [{ name: NPY_TENSOR_NAME, dtype, shape, length, byteOffset: dataStart, byteLength }],
  };
}

/** The v1 header of a C-order little-endian float32 array, padded so that the data starts on a 64-byte boundary. */
export function npyHeader(spec: TensorSpec): Uint8Array {
  const shape = spec.shape.length === 1 ? `(${spec.shape[0]},)` : `(${spec.shape.join(', ')})`;
  let dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + dict.length + 1;
  dict += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + dict.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[10 + i] = dict.charCodeAt(i);
  return out;
}
