// One table of bad values for every flag of every command: each exits 2 (1 for an --out the OS refuses) with a typed
// error that names the flag or the path — never INTERNAL, never a result on stdout. The table must list every flag
// the parser takes, so a new flag without bad-input cases fails here.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandHelp, HIDDEN_FLAGS, main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/output.js';
import { writeTensorFile } from '../../src/interop/tensor-file.js';

const dir = mkdtempSync(join(tmpdir(), 'cocogen-bad-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const out = join(dir, 'out');
// Five updates: enough for krum and multi-krum with f = 1, so that --f and --m meet their own checks.
const inputs = [0, 1, 2, 3, 4].map((k) => {
  const path = join(dir, `u${k}.npy`);
  writeTensorFile(path, [{ name: 'array', shape: [4], data: Float32Array.of(k, 2, 3, 4) }]);
  return path;
});
const scenario = 'examples/hospitals-uniform.json';
const studyFile = join(dir, 'study.json');
writeFileSync(studyFile, JSON.stringify({ name: 'x', simulate: { rounds: 1, backend: 'js' }, seeds: [1] }));
const missing = join(dir, 'no-such-file');

const INTEGER = ['x', '1.5', '0x10', '', '1e400', '-1'];
const NUMBER = ['x', 'NaN', 'Infinity', '0x10', '', '-1'];
const LIST = ['1,,2', '1,x', '', '0x1'];
const ENUM = ['bogus', ''];
const BOOLEAN_WITH_VALUE = ['=yes'];

/** Per command: the arguments of a valid run, then per flag the values it must refuse. */
const TABLE: Record<string, { base: string[]; flags: Record<string, string[]> }> = {
  info: { base: [], flags: {} },
  demo: { base: [], flags: { backend: ENUM, seed: ['x', '1.5', '0x10', '', '1e400'] } },
  solve: {
    base: [scenario],
    flags: {
      seed: ['x', '1.5', '0x10', ''],
      'no-outside-options': BOOLEAN_WITH_VALUE,
      'best-effort': BOOLEAN_WITH_VALUE,
    },
  },
  sweep: {
    base: ['--out', out],
    flags: {
      base: [missing, ''],
      orgs: [...INTEGER, '0'],
      g: [...LIST, '-1'],
      rivalry: [...LIST, '1.5'],
      alpha: [...LIST, '0'],
      cost: [...LIST, '-1'],
      seed: ['x', '1.5', ''],
      out: ['', 'package.json/x'],
    },
  },
  rounds: {
    base: [scenario, '--rounds', '1'],
    flags: { rounds: [...INTEGER, '0', '1001'], out: ['', 'package.json/x'], seed: ['x', '1.5', ''] },
  },
  calibrate: {
    base: ['--out', out],
    flags: {
      out: ['', 'package.json/x'],
      dataset: [...ENUM, 'MNIST', 'digits'],
      data: [missing, ''],
      sizes: [...LIST, '0'],
      alphas: [...LIST, '0'],
      synthetic: [...LIST, '-1'],
      orgs: [...INTEGER, '0'],
      rounds: [...INTEGER, '0'],
      epochs: [...INTEGER, '0'],
      model: [...ENUM, 'CNN'],
      backend: ENUM,
      seed: ['x', '1.5', ''],
    },
  },
  simulate: {
    base: ['--out', out],
    flags: {
      out: ['', 'package.json/x'],
      resume: [missing, ''],
      orgs: [...INTEGER, '0'],
      rounds: [...INTEGER, '0'],
      alpha: [...NUMBER, '0'],
      competition: NUMBER,
      rivalry: [...NUMBER, '1.5'],
      seed: ['x', '1.5', ''],
      seeds: ['x', '3-1', '1,1', ''],
      dataset: [...ENUM, 'MNIST', 'digits'],
      data: [missing, ''],
      backend: ENUM,
      model: [...ENUM, 'CNN'],
      strategies: ['bogus', 'vcfl,vcfl', ''],
      curve: [missing, ''],
      cost: NUMBER,
      cap: [...NUMBER, '101'],
      epochs: [...INTEGER, '0'],
      pool: [...INTEGER, '0', '10000000'],
      recalibrate: ENUM,
      validation: [...INTEGER, '0'],
    },
  },
  train: {
    base: ['--epochs', '1', '--pool', '50'],
    flags: {
      dataset: [...ENUM, 'MNIST'],
      data: [missing, ''],
      model: [...ENUM, 'CNN'],
      epochs: [...INTEGER, '0', '1001'],
      pool: [...INTEGER, '0', '10000000'],
      batch: [...INTEGER, '0'],
      lr: [...NUMBER, '0'],
      momentum: [...NUMBER, '1'],
      backend: ENUM,
      seed: ['x', '1.5', ''],
    },
  },
  study: {
    base: [studyFile, '--out', out],
    flags: {
      out: ['', 'package.json/x'],
      workers: [...INTEGER, '0', '1025'],
      queue: ['', 'localhost:6379', 'redis://h', 'redis://h:0', 'redis://h:6379/16', 'http://h:80'],
    },
  },
  worker: {
    base: ['--queue', 'redis://127.0.0.1:1'],
    flags: {
      queue: ['', 'redis://h:99999', 'rediss://h:6379'],
      concurrency: [...INTEGER, '0'],
      'lock-seconds': [...INTEGER, '0', '3601'],
    },
  },
  aggregate: {
    base: ['--rule', 'fedavg', ...inputs, '--out', join(dir, 'o.npy')],
    flags: {
      rule: ENUM,
      weights: [...LIST, '1', '1,-1,1,1,1'],
      trim: [...NUMBER, '0.6'],
      f: [...INTEGER, '2'],
      m: [...INTEGER, '0', '5'],
      clip: [...NUMBER, '0'],
      out: ['', 'o.txt', 'package.json/x.npy', inputs[1]!],
      block: [...INTEGER, '0'],
      read: ENUM,
      backend: ENUM,
    },
  },
};

/** Some flags only make sense beside others: the rest of the valid run that lets the flag's own check speak. */
const WITH: Record<string, string[]> = {
  'aggregate --trim': ['--rule', 'trimmed-mean'],
  'aggregate --f': ['--rule', 'krum'],
  'aggregate --m': ['--rule', 'multi-krum', '--f', '1'],
  'simulate --validation': ['--recalibrate', 'online'],
};

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (s) => void stdout.push(s), err: (s) => void stderr.push(s), isTTY: false };
}

/** `base` with `--flag value` in place of any `--flag` it has (and its rule's companions). */
function argsFor(command: string, flag: string, value: string): string[] {
  const base = [...TABLE[command]!.base];
  const extra = WITH[`${command} --${flag}`] ?? [];
  for (const f of [flag, ...extra.filter((x) => x.startsWith('--')).map((x) => x.slice(2))]) {
    const at = base.indexOf(`--${f}`);
    if (at >= 0) base.splice(at, 2);
  }
  const given = value.startsWith('=') ? [`--${flag}${value}`] : [`--${flag}=${value}`];
  return [command, ...base, ...extra, ...given, '--json'];
}

describe('bad input: every flag of every command', () => {
  it('the table lists every flag the parser takes, and nothing else', () => {
    for (const [name, { flags }] of Object.entries(commandHelp())) {
      expect(Object.keys(TABLE[name]!.flags).sort(), name).toEqual(
        flags.filter((f) => !HIDDEN_FLAGS.includes(f)).sort(),
      );
    }
  });

  const cases = Object.entries(TABLE).flatMap(([command, { flags }]) =>
    Object.entries(flags).flatMap(([flag, values]) => values.map((value) => [command, flag, value] as const)),
  );
  it.each(cases)('%s --%s %j is refused, naming it', async (command, flag, value) => {
    const io = capture();
    const args = argsFor(command, flag, value);
    const status = await main(args, io);
    const label = args.join(' ');
    expect(io.stdout, label).toEqual([]);
    expect(io.stderr, label).toHaveLength(1);
    const { error } = JSON.parse(io.stderr[0]!);
    expect(error.code, `${label}: ${error.message}`).not.toBe('INTERNAL');
    if (error.code === 'IO_ERROR') expect(status, label).toBe(1);
    else expect(status, `${label}: ${error.message}`).toBe(2);
    // A path may be named as resolved, or by the part of it that failed (package.json in package.json/x).
    const path = value.replace(/^=/, '');
    const named = error.message.includes(`--${flag}`) || (path !== '' && error.message.includes(path.split('/')[0]!));
    expect(named, `${label}: ${error.message}`).toBe(true);
  });
});
