/**
 * Non-IID partitions of labelled data over organizations (DESIGN §5.2), all seeded.
 *
 * - `dirichletPartition`: the per-class Dirichlet split common in FL papers (Hsu et al. 2019): for each class,
 *   proportions q ~ Dir(α·1_N) over organizations; class c's samples are dealt out in those proportions.
 *   Small α gives each organization few classes; large α approaches IID.
 * - `powerLawSizes` + `labelCountsFromDirichlet`: label counts without data (for sweeps and scenarios): sizes
 *   from a power law, each organization's label mix p_n ~ Dir(α·1_C), counts rounded so they sum exactly.
 */
import { Random } from '../util/random.js';
import { invalidArgument } from '../core/errors.js';
import { checkArrayLike, checkFiniteNumbers } from '../util/options.js';

function checkAlpha(alpha: number): void {
  if (!(Number.isFinite(alpha) && alpha > 0)) throw invalidArgument('alpha', 'a finite number > 0', alpha);
}

function checkCount(name: string, v: number, min: number): void {
  if (!(Number.isInteger(v) && v >= min)) throw invalidArgument(name, `an integer ≥ ${min}`, v);
}

function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed)) throw invalidArgument('seed', 'a safe integer', seed);
}

function checkLabels(labels: ArrayLike<number>): void {
  checkArrayLike(labels, 'labels', 'an array or typed array of class labels');
}

/** Round non-negative reals summing to `total` into integers summing exactly to `total` (largest remainder). */
export function roundPreservingSum(values: ArrayLike<number>, total: number): number[] {
  checkFiniteNumbers(values, 'values', 0);
  if (!Number.isSafeInteger(total) || total < 0) throw invalidArgument('total', 'an integer ≥ 0', total);
  const floors = Array.from(values, (v) => Math.floor(v));
  let rest = total - floors.reduce((a, b) => a + b, 0);
  const order = Array.from(values, (v, i) => [v - Math.floor(v), i] as const).sort(
    (a, b) => b[0] - a[0] || a[1] - b[1],
  );
  for (let j = 0; rest > 0 && order.length > 0; j = (j + 1) % order.length, rest--) floors[order[j]![1]]!++;
  return floors;
}

/**
 * Split sample indices by label over `organizations` with the per-class Dirichlet(α) scheme. Returns one
 * index list per organization (every sample assigned exactly once). `minSamples` redraws (up to 100 times)
 * until each organization holds at least that many samples.
 */
export function dirichletPartition(
  labels: ArrayLike<number>,
  classes: number,
  organizations: number,
  alpha: number,
  seed: number,
  minSamples = 1,
): Int32Array[] {
  checkLabels(labels);
  checkAlpha(alpha);
  checkCount('organizations', organizations, 1);
  checkCount('classes', classes, 1);
  checkSeed(seed);
  checkCount('minSamples', minSamples, 0);
  if (organizations * minSamples > labels.length) {
    throw invalidArgument(
      'organizations',
      `at most ${Math.floor(labels.length / Math.max(1, minSamples))} for ${labels.length} samples`,
      organizations,
    );
  }
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (!(Number.isInteger(c) && c >= 0 && c < classes))
      throw invalidArgument(`labels[${i}]`, `an integer class in [0, ${classes})`, c);
    byClass[c]!.push(i);
  }
  const rng = new Random(seed);
  for (let attempt = 0; ; attempt++) {
    const parts: number[][] = Array.from({ length: organizations }, () => []);
    for (const indices of byClass) {
      const shuffled = rng.shuffle(indices.slice());
      const q = rng.dirichlet(alpha, organizations);
      const counts = roundPreservingSum(
        Array.from(q, (v) => v * shuffled.length),
        shuffled.length,
      );
      let at = 0;
      counts.forEach((n, org) => {
        for (let j = 0; j < n; j++) parts[org]!.push(shuffled[at++]!);
      });
    }
    if (parts.every((p) => p.length >= minSamples) || attempt >= 99) {
      return parts.map((p) => Int32Array.from(p.sort((a, b) => a - b)));
    }
  }
}

/** Sizes ∝ rank^(−exponent) (Zipf-like), at least `min` each, summing exactly to `total`, in a seeded order. */
export function powerLawSizes(organizations: number, total: number, exponent: number, seed: number, min = 1): number[] {
  checkCount('organizations', organizations, 1);
  checkCount('min', min, 0);
  checkCount('total', total, organizations * min);
  checkSeed(seed);
  if (!(Number.isFinite(exponent) && exponent >= 0)) throw invalidArgument('exponent', 'a finite number ≥ 0', exponent);
  const raw = Array.from({ length: organizations }, (_, i) => (i + 1) ** -exponent);
  const sum = raw.reduce((a, b) => a + b, 0);
  const free = total - organizations * min;
  const sizes = roundPreservingSum(
    raw.map((r) => (r / sum) * free),
    free,
  ).map((s) => s + min);
  return new Random(seed).shuffle(sizes);
}

/** Per-organization label counts: p_n ~ Dir(α·1_C), counts_n = round(size_n · p_n) summing to size_n exactly. */
export function labelCountsFromDirichlet(
  sizes: readonly number[],
  classes: number,
  alpha: number,
  seed: number,
): number[][] {
  if (!Array.isArray(sizes)) throw invalidArgument('sizes', 'an array of organization sizes', sizes);
  checkAlpha(alpha);
  checkCount('classes', classes, 1);
  checkSeed(seed);
  const rng = new Random(seed);
  return sizes.map((size, n) => {
    checkCount(`sizes[${n}]`, size, 0);
    const p = rng.dirichlet(alpha, classes);
    return roundPreservingSum(
      Array.from(p, (v) => v * size),
      size,
    );
  });
}

/**
 * Deal out sample indices so that organization n receives `counts[n][c]` samples of class c, drawn without
 * replacement in a seeded order. When a class is oversubscribed (Σ_n counts[n][c] exceeds the samples of class c),
 * every organization's share of it is scaled down proportionally (largest remainder), so the result never repeats a
 * sample. Pairs with `powerLawSizes` + `labelCountsFromDirichlet` to give real shards power-law sizes.
 */
export function partitionByLabelCounts(
  labels: ArrayLike<number>,
  classes: number,
  counts: readonly (readonly number[])[],
  seed: number,
): Int32Array[] {
  checkLabels(labels);
  checkCount('classes', classes, 1);
  checkSeed(seed);
  if (!Array.isArray(counts) || counts.length === 0)
    throw invalidArgument('counts', 'a non-empty array of per-class counts', counts);
  counts.forEach((row, n) => {
    if (!Array.isArray(row) || row.length !== classes)
      throw invalidArgument(`counts[${n}]`, `an array of ${classes} counts`, row);
    row.forEach((v, c) => checkCount(`counts[${n}][${c}]`, v, 0));
  });
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (!(Number.isInteger(c) && c >= 0 && c < classes))
      throw invalidArgument(`labels[${i}]`, `an integer class in [0, ${classes})`, c);
    byClass[c]!.push(i);
  }
  const rng = new Random(seed);
  const parts: number[][] = counts.map(() => []);
  byClass.forEach((indices, c) => {
    const shuffled = rng.shuffle(indices.slice());
    const wanted = counts.map((row) => row[c]!);
    const sum = wanted.reduce((a, b) => a + b, 0);
    const granted =
      sum <= shuffled.length
        ? wanted
        : roundPreservingSum(
            wanted.map((w) => (w * shuffled.length) / sum),
            shuffled.length,
          );
    let at = 0;
    granted.forEach((g, n) => {
      for (let j = 0; j < g; j++) parts[n]!.push(shuffled[at++]!);
    });
  });
  return parts.map((p) => Int32Array.from(p.sort((a, b) => a - b)));
}
