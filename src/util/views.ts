/** Typed-array views: whether two share any byte (empty views share none). */
export function sharesMemory(x: ArrayBufferView, y: ArrayBufferView): boolean {
  return (
    x.buffer === y.buffer &&
    x.byteLength > 0 &&
    y.byteLength > 0 &&
    x.byteOffset < y.byteOffset + y.byteLength &&
    y.byteOffset < x.byteOffset + x.byteLength
  );
}
