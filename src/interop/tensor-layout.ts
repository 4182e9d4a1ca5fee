/**
 * What a tensor file holds, as the format readers (safetensors.ts, npy.ts) report it and tensor-file.ts uses it: the
 * types every module of the folder shares, kept apart so the readers need not import the file API above them.
 */
export type TensorDtype = 'F32' | 'F16' | 'BF16' | 'F64';
export const DTYPE_BYTES: Record<TensorDtype, number> = { F32: 4, F16: 2, BF16: 2, F64: 8 };
export type TensorFileFormat = 'safetensors' | 'npy';

/** One tensor of a file: where its bytes are (absolute offset in the file) and what they hold. */
export interface TensorInfo {
  name: string;
  dtype: TensorDtype;
  shape: readonly number[];
  /** Elements: the product of the shape. */
  length: number;
  byteOffset: number;
  byteLength: number;
}

export interface TensorFileLayout {
  path: string;
  format: TensorFileFormat;
  /** File size in bytes. */
  size: number;
  tensors: TensorInfo[];
  metadata?: Record<string, string>;
}

/** What a writer needs to know of a tensor before its data: name and shape (always written as F32). */
export interface TensorSpec {
  name: string;
  shape: readonly number[];
}
