/**
 * A run's JSON without what differs between two runs of the same config: its timings (`seconds`,
 * `generatorSeconds`, at any depth) and the `files` a `simulate` wrote. What is left must match bit for bit.
 */
export function timeless(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(timeless);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([k]) => !['seconds', 'generatorSeconds', 'files'].includes(k))
      .map(([k, x]) => [k, timeless(x)]),
  );
}
