import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, runModule } from '../support/cli.js';

describe('cocogen info', () => {
  it('--json names every backend with its availability or the reason it is unavailable', () => {
    const r = runCli(['info', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.backends.js.available).toBe(true);
    expect(info.backends.native.available, info.backends.native.reason).toBe(true);
    expect(info.backends.native.build.simd.length).toBeGreaterThan(0);
    // The SGEMM that runs: OpenBLAS (CI installs libopenblas-dev) with its own configuration line, or the own kernel.
    const { gemm } = info.backends.native.build;
    if (process.env.CI === 'true') expect(gemm.implementation).toBe('blas');
    if (gemm.implementation === 'blas') {
      expect(gemm.blas.name).toBe('OpenBLAS');
      expect(gemm.description).toMatch(/^OpenBLAS \d+\.\d+\.\d+/);
    } else {
      expect(gemm.description).toMatch(/^own, (avx2|scalar) micro-kernel$/);
    }
    if (process.env.CI === 'true') expect(info.backends.webgpu.available, info.backends.webgpu.reason).toBe(true);
    if (info.backends.webgpu.available) {
      expect(info.backends.webgpu.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
      expect(typeof info.backends.webgpu.adapter.isFallbackAdapter).toBe('boolean');
    } else {
      expect(info.backends.webgpu.reason).toMatch(/\w/);
    }
    expect(info.cpu.cores).toBeGreaterThan(0);
    expect(info.cpu.memoryBytes).toBeGreaterThan(0);
    expect(['webgpu', 'native', 'js']).toContain(info.auto);
  });

  it('prints a readable table without --json', () => {
    const r = runCli(['info']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/backend\s+available/);
    expect(r.stdout).toMatch(/native\s+yes/);
    expect(r.stdout).toMatch(/native GEMM: (OpenBLAS \d+\.\d+\.\d+ .*\(core \w+|own, (avx2|scalar) micro-kernel)/);
  });
});

describe('cocogen demo', () => {
  it('aggregates on every available backend and agrees with the float64 reference', () => {
    const r = runCli(['demo', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const demo = JSON.parse(r.stdout);
    const names = demo.backends.map((b: { backend: string }) => b.backend);
    expect(names).toContain('js');
    expect(names).toContain('native');
    if (process.env.CI === 'true') expect(names).toContain('webgpu');
    for (const b of demo.backends) expect(b.maxRelativeError).toBeLessThan(1e-6);
    // The round's game: the social optimum is at least as good as every other strategy.
    expect(demo.game.kktResidual).toBeLessThanOrEqual(1e-9);
    const sw = Object.fromEntries(
      demo.game.strategies.map((s: { strategy: string; socialWelfare: number }) => [s.strategy, s.socialWelfare]),
    );
    for (const v of Object.values(sw)) expect(sw['social optimum']).toBeGreaterThanOrEqual(v as number);
  });
});

describe('bad input on the command line', () => {
  it('an unknown command exits 2 with the error on stderr', () => {
    const r = runCli(['frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Expected a command .* but received "frobnicate"/);
    expect(r.stdout).toBe('');
  });
  it('an unknown backend exits 2, as JSON with --json', () => {
    const r = runCli(['demo', '--backend', 'cuda', '--json']);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stderr)).toEqual({
      error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/--backend/) },
    });
  });
  it('an unknown flag exits 2', () => {
    const r = runCli(['info', '--frob']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--frob/);
  });
});

describe('the package', () => {
  it("resolves `import { createEngine } from 'cocogen'` through its exports map, and the process exits on its own after dispose()", () => {
    const r = runModule(`
      import { createEngine, CocogenError } from 'cocogen';
      const engine = await createEngine({ backend: 'auto' });
      const out = await engine.aggregate([new Float32Array([1, 2]), new Float32Array([3, 4])], { rule: 'fedavg', weights: [1, 3] });
      console.log(JSON.stringify({ backend: engine.backend, out: Array.from(out), error: typeof CocogenError }));
      engine.dispose();
    `);
    expect(r.status, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.out).toEqual([2.5, 3.5]);
    expect(o.error).toBe('function');
  });
});

describe('output into a closed pipe', () => {
  it('ends quietly instead of crashing with EPIPE', () => {
    // The sweep's JSON is far larger than a pipe's buffer, so the writer meets the closed pipe.
    const out = mkdtempSync(join(tmpdir(), 'cocogen-pipe-'));
    const command = `node "${ROOT}bin/cocogen.js" sweep --json --out "${out}" | head -c 10 >/dev/null; echo "status \${PIPESTATUS[0]}"`;
    const r = spawnSync('bash', ['-c', command], { encoding: 'utf8' });
    rmSync(out, { recursive: true, force: true });
    expect(r.stdout.trim()).toBe('status 0');
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled/);
  });
});

describe('an --out that cannot be created', () => {
  // Node's recursive mkdir spun at 100 % CPU on /proc; each command now refuses before its work.
  const impossible = ['/proc/cocogen-out', '/sys/cocogen-out/x', '/dev/full/x', 'package.json/x'];
  const commands: string[][] = [
    ['sweep', '--g', '0.1,0.2'],
    ['simulate', '--orgs', '2', '--rounds', '1', '--pool', '200', '--backend', 'js'],
    ['calibrate', '--sizes', '100,200', '--alphas', '1', '--backend', 'js'],
    ['rounds', 'examples/hospitals-uniform.json', '--rounds', '1'],
  ];
  it('fails fast with IO_ERROR naming the path, for every command that writes a folder', () => {
    for (const command of commands) {
      for (const out of impossible) {
        const r = runCli([...command, '--out', out, '--json'], { timeoutMs: 30_000 });
        const label = `${command[0]} --out ${out}`;
        expect(r.status, label).toBe(1);
        const error = JSON.parse(r.stderr).error;
        expect(error.code, label).toBe('IO_ERROR');
        expect(error.message, label).toContain(out);
      }
    }
  });

  it('and for the file that aggregate writes', () => {
    for (const out of impossible) {
      const r = runCli(['aggregate', '--rule', 'median', 'a.npy', 'b.npy', '--out', `${out}/u.npy`, '--json'], {
        timeoutMs: 30_000,
      });
      expect(r.status, out).toBe(1);
      expect(JSON.parse(r.stderr).error.code, out).toBe('IO_ERROR');
    }
  });
});

describe("Dawn's messages", () => {
  it('stay off the terminal of a command that probes WebGPU; info lists them; COCOGEN_VERBOSE=1 prints them', () => {
    const json = runCli(['info', '--json']);
    expect(json.status).toBe(0);
    const webgpu = JSON.parse(json.stdout).backends.webgpu;
    for (const args of [['info'], ['info', '--json'], ['demo']]) {
      const r = runCli(args);
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.stderr, args.join(' ')).not.toMatch(/Warning:|artificially reduced/);
    }
    if (!webgpu.available || webgpu.messages.length === 0) return; // this adapter said nothing
    expect(runCli(['info']).stdout).toContain(webgpu.messages[0]);
    expect(runCli(['info'], { env: { COCOGEN_VERBOSE: '1' } }).stderr).toContain(webgpu.messages[0]);
  });
});

describe('CLI hygiene', () => {
  it('refuses stray arguments and numbers that are not decimal, with exit 2', () => {
    const cases: [string[], RegExp][] = [
      [['info', 'extra'], /arguments/],
      [['demo', 'foo'], /arguments/],
      [['sweep', '--g', '0x10', '--out', 'x'], /--g/],
      [['sweep', '--g', '0.1,Infinity', '--out', 'x'], /--g/],
      [['calibrate', '--alphas', '0b1', '--out', 'x'], /--alphas/],
      [['simulate', '--alpha', '0o7', '--out', 'x'], /--alpha/],
      [['aggregate', '--rule', 'fedavg', '--weights', '1,0x2', 'a.npy', 'b.npy', '--out', 'o.npy'], /--weights/],
    ];
    for (const [args, re] of cases) {
      const r = runCli([...args, '--json']);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(re);
    }
  });

  it("states one range for --pool whether the value is too small or too large: the data's owned samples", () => {
    const errors = ['0', '10000000', '-3'].map((pool) => {
      const r = runCli(['simulate', `--pool=${pool}`, '--out', 'x', '--json']);
      expect(r.status, pool).toBe(2);
      return JSON.parse(r.stderr).error;
    });
    for (const e of errors) {
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toMatch(/^Expected an integer in \[1, 5000\] for --pool but received -?\d+$/);
    }
  });

  it('counts in words: one round, one organization', () => {
    const r = runCli(['rounds', 'examples/hospitals-uniform.json', '--rounds', '1']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/, 1 round\b/);
    expect(r.stdout).not.toMatch(/\b1 rounds\b/);
  });
});
