/**
 * Typed reading of command-line flag values (parseArgs hands over strings). Every rule broken is an
 * INVALID_ARGUMENT naming the flag and the rule, in the project's one template.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BACKEND_CHOICES, type BackendChoice } from '../engine/engine.js';
import { invalidArgument, invalidArgumentText } from '../core/errors.js';
import { DATASETS, datasetFiles, type DatasetName } from '../fl/datasets.js';
import type { ModelKind } from '../fl/models.js';
import { STRATEGIES, type StrategyName } from '../fl/strategies.js';
import { checkCreatableDirectory } from '../util/directories.js';

/** A seed: a non-negative safe integer; `fallback` when the flag is absent. */
export function seedFlag(value: unknown, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const text = String(value).trim();
  const seed = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(seed)) throw invalidArgument(flag, 'a non-negative integer (a seed)', value);
  return seed;
}

/**
 * --seeds LIST: comma-separated seeds and ranges A-B (inclusive), e.g. `1-5` or `1,4,9` or `1-3,7`, each a
 * non-negative integer, none twice, at most `max` in all; in the order given.
 */
export function seedsFlag(value: unknown, flag: string, max = 1000): number[] {
  const rule = `a list of seeds and ranges such as 1-5 or 1,4,9 (non-negative integers, none twice, at most ${max})`;
  const text = typeof value === 'string' ? value.trim() : '';
  const seeds: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    const [a, b] = m ? [Number(m[1]), Number(m[2] ?? m[1])] : [NaN, NaN];
    if (!(Number.isSafeInteger(a) && Number.isSafeInteger(b) && a <= b) || b - a >= max)
      throw invalidArgument(flag, rule, value);
    for (let v = a; v <= b; v++) seeds.push(v);
    if (seeds.length > max) throw invalidArgument(flag, rule, value);
  }
  if (new Set(seeds).size !== seeds.length) throw invalidArgument(flag, rule, value);
  return seeds;
}

/**
 * A decimal number as a person writes it (`0.3`, `-2`, `1e-4`, `.5`), else NaN: Number() alone also reads `0x10`,
 * `0b1`, `0o7` and `Infinity`, which no flag means.
 */
export function decimalNumber(text: string): number {
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim()) ? Number(text) : NaN;
}

/**
 * An integer in [min, max]; `fallback` when the flag is absent. `rule` restates the range where it is known only
 * later (e.g. the data's size).
 */
export function integerFlag(
  value: unknown,
  flag: string,
  min: number,
  max: number,
  fallback: number,
  rule = `an integer in [${min}, ${max}]`,
): number {
  if (value === undefined) return fallback;
  const text = String(value).trim();
  const v = /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
  if (!(Number.isSafeInteger(v) && v >= min && v <= max)) throw invalidArgument(flag, rule, value);
  return v;
}

/**
 * A comma-separated list of finite numbers, each passing `ok` (the rule stated as `rule`), without repeats;
 * `fallback` when the flag is absent.
 *
 * @example numberListFlag('0,0.5,1', '--g', (v) => v >= 0, 'a number ≥ 0', [0]) // [0, 0.5, 1]
 */
export function numberListFlag(
  value: unknown,
  flag: string,
  ok: (v: number) => boolean,
  rule: string,
  fallback: readonly number[],
): number[] {
  if (value === undefined) return fallback.slice();
  const text = String(value);
  const parts = text.split(',').map((p) => p.trim());
  const expected = `a comma-separated list of numbers, each ${rule}`;
  if (parts.length === 0 || parts.some((p) => p === '')) {
    throw invalidArgumentText(flag, expected, `${JSON.stringify(text)} (an empty entry)`);
  }
  const out: number[] = [];
  for (const p of parts) {
    const v = decimalNumber(p);
    if (!Number.isFinite(v) || !ok(v))
      throw invalidArgumentText(flag, expected, `${JSON.stringify(text)} (entry ${JSON.stringify(p)})`);
    if (out.includes(v))
      throw invalidArgumentText(flag, `${expected}, without repeats`, `${JSON.stringify(text)} (${p} twice)`);
    out.push(v);
  }
  return out;
}

/**
 * A number passing `ok` (the rule stated as `rule`); `fallback` when the flag is absent.
 *
 * @example numberFlag('0.3', '--competition', (v) => v >= 0, 'a number ≥ 0', 0) // 0.3
 */
export function numberFlag(
  value: unknown,
  flag: string,
  ok: (v: number) => boolean,
  rule: string,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  const text = String(value).trim();
  const v = decimalNumber(text);
  if (!(Number.isFinite(v) && ok(v))) throw invalidArgumentText(flag, rule, JSON.stringify(value));
  return v;
}

/**
 * --out DIR: a directory, existing or to be created (the command creates it when it writes). `what` names the
 * files it is for, in the message for a missing flag.
 */
export function outDirFlag(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalidArgumentText('--out', `a directory for ${what}`, value === undefined ? 'none' : JSON.stringify(value));
  }
  let isFile = false;
  try {
    isFile = !statSync(value).isDirectory();
  } catch {
    // Not there (or not readable yet): created on write, which reports any real failure.
  }
  if (isFile) {
    throw invalidArgumentText(
      '--out',
      'a directory (existing or to be created)',
      `${JSON.stringify(value)}, which is a file`,
    );
  }
  // Before the command's work, so that an impossible destination (/proc, a path through a file) fails at once.
  checkCreatableDirectory(value);
  return value;
}

/** --dataset fashion-mnist|mnist; `fallback` when absent. */
export function datasetFlag(value: unknown, fallback: DatasetName): DatasetName {
  if (value === undefined) return fallback;
  if (!DATASETS.includes(value as DatasetName))
    throw invalidArgumentText('--dataset', DATASETS.join(' or '), JSON.stringify(value));
  return value as DatasetName;
}

/** --data DIR: a folder with the four IDX files of the dataset (MNIST's or Fashion-MNIST's names, the same). */
export function dataDirFlag(value: unknown): string | undefined {
  const rule = 'a folder with the four IDX .gz files of the dataset (train-images-idx3-ubyte.gz, …)';
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '')
    throw invalidArgumentText('--data', rule, JSON.stringify(value));
  const missing = [...Object.values(datasetFiles('train')), ...Object.values(datasetFiles('test'))].filter(
    (f) => !existsSync(join(value, f)),
  );
  if (missing.length > 0)
    throw invalidArgumentText('--data', rule, `${JSON.stringify(value)}, which lacks ${missing.join(', ')}`);
  return value;
}

/** --model softmax|mlp|cnn; softmax when absent. */
export function modelFlag(value: unknown): ModelKind {
  if (value === undefined) return 'softmax';
  if (value !== 'softmax' && value !== 'mlp' && value !== 'cnn')
    throw invalidArgumentText('--model', 'softmax, mlp or cnn', JSON.stringify(value));
  return value;
}

/**
 * --backend B: one of BACKEND_CHOICES; `fallback` when absent. With `described`, a bad value is worded as
 * `describeValue` words it (a long one as "a string of length N"), as demo and aggregate have always reported it.
 */
export function backendFlag(
  value: unknown,
  fallback: BackendChoice,
  received: 'quoted' | 'described' = 'quoted',
): BackendChoice {
  if (value === undefined) return fallback;
  if (!BACKEND_CHOICES.includes(value as BackendChoice)) {
    const expected = `one of ${BACKEND_CHOICES.join(', ')}`;
    throw received === 'described'
      ? invalidArgument('--backend', expected, value)
      : invalidArgumentText('--backend', expected, JSON.stringify(value));
  }
  return value as BackendChoice;
}

/** --strategies LIST: names from STRATEGIES without repeats, returned in STRATEGIES' order (the tables' order). */
export function strategiesFlag(value: unknown, fallback: readonly StrategyName[]): StrategyName[] {
  if (value === undefined) return fallback.slice();
  const parts = String(value)
    .split(',')
    .map((p) => p.trim());
  const rule = `a comma-separated list of ${STRATEGIES.join(', ')}, without repeats`;
  for (const p of parts) {
    if (!STRATEGIES.includes(p as StrategyName))
      throw invalidArgumentText('--strategies', rule, `${JSON.stringify(String(value))} (entry ${JSON.stringify(p)})`);
  }
  if (new Set(parts).size !== parts.length)
    throw invalidArgumentText('--strategies', rule, JSON.stringify(String(value)));
  return STRATEGIES.filter((s) => parts.includes(s));
}

/** No positional arguments: every input of the command is a flag. */
export function noPositionals(positionals: readonly string[], command: string): void {
  if (positionals.length > 0)
    throw invalidArgumentText('arguments', `flags only (see cocogen ${command} --help)`, JSON.stringify(positionals));
}

/** --weights LIST: comma-separated finite numbers, repeats allowed (weights often coincide); undefined when absent. */
export function weightsFlag(value: unknown): number[] | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  const parts = text.split(',').map((p) => p.trim());
  const values = parts.map(decimalNumber);
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw invalidArgumentText(
      '--weights',
      'a comma-separated list of finite numbers',
      `${JSON.stringify(text)} (entry ${JSON.stringify(parts[bad])})`,
    );
  }
  return values;
}

/** A finite number, or undefined when the flag is absent (the library applies its own default). */
export function finiteNumberFlag(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const v = decimalNumber(String(value));
  if (!Number.isFinite(v)) throw invalidArgument(flag, 'a finite number', value);
  return v;
}
