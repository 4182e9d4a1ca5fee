/** Plain-TypeScript reference of the squared-norms kernel (contract.ts), in float64. */

/** ‖u_k‖² in float64, one per update. */
export function squaredNormsReference(updates: readonly Float32Array[]): Float64Array {
  return Float64Array.from(updates, (u) => {
    let s = 0;
    for (let i = 0; i < u.length; i++) s += u[i]! * u[i]!;
    return s;
  });
}
