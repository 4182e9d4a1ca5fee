/**
 * Dispatch sizing and uniform packing for every GPU program, in one place (STYLE.md): how many workgroups cover a
 * 1-D range of elements within maxComputeWorkgroupsPerDimension, and how per-call values are laid out in a uniform
 * buffer under WGSL's alignment rules.
 */
import { CocogenError } from '../../core/errors.js';

export type DispatchSize = readonly [x: number, y: number, z: number];

/**
 * Workgroups for `count` invocations in `workgroupSize`-wide groups, as a 2-D grid when one dimension is not
 * enough. The shader recovers its element as `(wid.y * nwg.x + wid.x) * WORKGROUP_SIZE + lid` and bounds-checks it.
 */
export function dispatch1d(count: number, workgroupSize: number, maxPerDimension: number): DispatchSize {
  const groups = Math.ceil(count / workgroupSize);
  if (groups <= maxPerDimension) return [Math.max(groups, 1), 1, 1];
  const y = Math.ceil(groups / maxPerDimension);
  if (y > maxPerDimension) {
    throw new CocogenError(
      'INVALID_ARGUMENT',
      `Expected at most ${maxPerDimension ** 2 * workgroupSize} elements per dispatch but received ${count}`,
    );
  }
  // Spread evenly so that the grid wastes less than one row.
  return [Math.ceil(groups / y), y, 1];
}

/** A scalar uniform field. Vectors and matrices are not needed yet; add them here with their WGSL alignment. */
export type UniformField = { name: string; type: 'u32' | 'i32' | 'f32'; value: number };

const SCALAR_SIZE = 4;
/** Uniform structs are padded to a multiple of 16 bytes (WGSL: uniform buffer layout / roundUp(16, …)). */
const UNIFORM_STRUCT_ALIGN = 16;

/**
 * Pack fields in declaration order as a WGSL struct of 4-byte scalars (each at offset 4·index) padded to 16 bytes.
 * The shader's struct must declare the same fields in the same order.
 */
export function packUniforms(fields: readonly UniformField[]): ArrayBuffer {
  const size = Math.max(
    UNIFORM_STRUCT_ALIGN,
    Math.ceil((fields.length * SCALAR_SIZE) / UNIFORM_STRUCT_ALIGN) * UNIFORM_STRUCT_ALIGN,
  );
  const buffer = new ArrayBuffer(size);
  const view = new DataView(buffer);
  fields.forEach((field, index) => {
    const offset = index * SCALAR_SIZE;
    const { value } = field;
    if (field.type === 'f32') {
      view.setFloat32(offset, value, true);
      return;
    }
    const [lo, hi] = field.type === 'u32' ? [0, 0xffffffff] : [-0x80000000, 0x7fffffff];
    if (!Number.isInteger(value) || value < lo || value > hi) {
      throw new CocogenError(
        'INVALID_ARGUMENT',
        `Expected a ${field.type} for uniform ${field.name} but received ${value}`,
      );
    }
    if (field.type === 'u32') view.setUint32(offset, value, true);
    else view.setInt32(offset, value, true);
  });
  return buffer;
}
