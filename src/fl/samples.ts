/**
 * Labelled feature rows as the training loop sees them: `x` is count × features (row-major float32), `y` the
 * labels. Real images (`ImageSet`), generated samples and organization shards all travel in this shape.
 */
import { invalidArgument } from '../core/errors.js';
import { checkArrayLike } from '../util/options.js';
import type { ImageSet } from './datasets.js';

export interface LabeledSamples {
  /** count × features, row-major */
  x: Float32Array;
  /** count labels */
  y: Uint8Array;
}

/** Features per row (0 for an empty set). */
export function featuresOf(s: LabeledSamples, name = 'samples'): number {
  checkSamplesShape(name, s);
  return s.y.length === 0 ? 0 : s.x.length / s.y.length;
}

function checkSamplesShape(name: string, s: LabeledSamples): void {
  if (s === null || typeof s !== 'object' || !(s.x instanceof Float32Array) || !(s.y instanceof Uint8Array)) {
    throw invalidArgument(name, '{ x: Float32Array, y: Uint8Array }', s);
  }
}

/** Check that x holds `features` values per label, and return the row count. */
export function checkSamples(name: string, s: LabeledSamples, features: number, classes?: number): number {
  checkSamplesShape(name, s);
  if (s.x.length !== s.y.length * features) {
    throw invalidArgument(`${name}.x`, `${s.y.length * features} values (${s.y.length} rows × ${features})`, s.x);
  }
  if (classes !== undefined) {
    for (let i = 0; i < s.y.length; i++) {
      if (s.y[i]! >= classes) throw invalidArgument(`${name}.y[${i}]`, `a class in [0, ${classes})`, s.y[i]);
    }
  }
  return s.y.length;
}

/** An image set as samples (shares its arrays). */
export function samplesOf(set: ImageSet): LabeledSamples {
  return { x: set.images, y: set.labels };
}

/** The rows at `indices`, in that order (a copy). */
export function selectSamples(s: LabeledSamples, indices: ArrayLike<number>): LabeledSamples {
  const d = featuresOf(s, 's');
  checkArrayLike(indices, 'indices', 'an array or typed array of row indices');
  const x = new Float32Array(indices.length * d);
  const y = new Uint8Array(indices.length);
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j]!;
    if (!(Number.isInteger(i) && i >= 0 && i < s.y.length))
      throw invalidArgument(`indices[${j}]`, `an integer in [0, ${s.y.length})`, i);
    x.set(s.x.subarray(i * d, (i + 1) * d), j * d);
    y[j] = s.y[i]!;
  }
  return { x, y };
}

/** The rows of every part, one after another (a copy). Parts must have the same feature count. */
export function concatSamples(parts: readonly LabeledSamples[]): LabeledSamples {
  if (!Array.isArray(parts)) throw invalidArgument('parts', 'an array of labelled sample sets', parts);
  parts.forEach((p, k) => featuresOf(p, `parts[${k}]`));
  const count = parts.reduce((n, p) => n + p.y.length, 0);
  const nonEmpty = parts.find((p) => p.y.length > 0);
  const d = nonEmpty ? featuresOf(nonEmpty) : 0;
  const x = new Float32Array(count * d);
  const y = new Uint8Array(count);
  let at = 0;
  parts.forEach((p, k) => {
    if (p.y.length === 0) return;
    if (featuresOf(p) !== d) throw invalidArgument(`parts[${k}]`, `${d} features per row`, featuresOf(p));
    x.set(p.x, at * d);
    y.set(p.y, at);
    at += p.y.length;
  });
  return { x, y };
}

/** Label counts h[c] for c in [0, classes). */
export function labelHistogram(labels: ArrayLike<number>, classes: number): number[] {
  checkArrayLike(labels, 'labels', 'an array or typed array of class labels');
  if (!(Number.isInteger(classes) && classes >= 1)) throw invalidArgument('classes', 'an integer ≥ 1', classes);
  const h = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (!(c >= 0 && c < classes)) throw invalidArgument(`labels[${i}]`, `a class in [0, ${classes})`, c);
    h[c]!++;
  }
  return h;
}
