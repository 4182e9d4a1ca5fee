/**
 * Out-of-core aggregation: K updates of P float32 each, as .npy files on disk whose total exceeds what one
 * would hold in memory, aggregated by `aggregateFiles` in column blocks through memory maps. Reports time, GB/s
 * (bytes read + written) and the process's peak RSS, so that bounded resident memory can be seen. Setup (writing the
 * inputs) is outside the timed region; the files are removed afterwards. The default is the target's 16 × 512M
 * float32 = 32 GiB (needs that much free disk; --p scales it down).
 */
import { closeSync, mkdirSync, openSync, rmSync, statfsSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine } from '../src/engine/engine.js';
import { aggregateFiles, peakRssBytes } from '../src/interop/out-of-core.js';
import { npyHeader } from '../src/interop/npy.js';
import { totalmem } from 'node:os';
import type { BenchResult } from './harness.js';
import type { Suite } from './suite.js';

/**
 * Write one update: an .npy header, then P float32 values in 64 MiB writes. The values repeat one 64 MiB pattern per
 * file (different per file): the timing does not depend on them, and filling 32 GiB element by element in JS would
 * take longer than the aggregation being measured.
 */
function writeUpdate(path: string, p: number, seed: number): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, npyHeader({ name: 'update', shape: [p] }));
    const chunk = new Float32Array(Math.min(p, 16 * 1024 * 1024));
    for (let i = 0; i < chunk.length; i++) chunk[i] = ((i * 2654435761 + seed * 40503) % 65536) / 65536 - 0.5;
    for (let at = 0; at < p; at += chunk.length) {
      const n = Math.min(chunk.length, p - at);
      writeSync(fd, new Uint8Array(chunk.buffer, 0, n * 4));
    }
  } finally {
    closeSync(fd);
  }
}

/** Resets this process's peak RSS (VmHWM) where Linux allows (clear_refs 5); false when it could not. */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

export const outOfCoreSuite: Suite = {
  name: 'out-of-core',
  help: `out-of-core [--k 16] [--p 536870912] [--dir /tmp/cocogen-ooc] [--block 4194304] [--backend native] [--rules fedavg]
            [--read pread,map]
    Each rule of --rules (fedavg, median, trimmed-mean, krum, multi-krum; comma-separated) over K .npy files of
    P float32 each (default 16 × 512M = 32 GiB), streamed with each read mode of --read (pread: copies, safe
    against a file that changes; map: memory maps, zero-copy), in one run: time, GB/s and peak RSS (reset before
    each rule where Linux allows). Krum reads the inputs twice (Gram pass, then the average).`,
  options: {
    k: { type: 'string', default: '16' },
    p: { type: 'string', default: String(512 * 1024 * 1024) },
    dir: { type: 'string', default: '/tmp/cocogen-ooc' },
    block: { type: 'string', default: String(4 * 1024 * 1024) },
    backend: { type: 'string', default: 'native' },
    rules: { type: 'string', default: 'fedavg' },
    read: { type: 'string', default: 'pread,map' },
  },
  async run(values, log) {
    const k = Number(values.k);
    const p = Number(values.p);
    const dir = String(values.dir);
    const totalBytes = k * p * 4;
    mkdirSync(dir, { recursive: true });
    const fs = statfsSync(dir);
    const free = fs.bavail * fs.bsize;
    if (free < totalBytes * 1.05 + p * 4) {
      throw new Error(
        `needs ${(totalBytes / 2 ** 30).toFixed(1)} GiB free in ${dir}, has ${(free / 2 ** 30).toFixed(1)} GiB: pass a smaller --p`,
      );
    }
    const inputs = Array.from({ length: k }, (_, j) => join(dir, `update-${j}.npy`));
    const output = join(dir, 'aggregate.npy');
    try {
      const t0 = performance.now();
      inputs.forEach((path, j) => writeUpdate(path, p, j));
      log(
        `  wrote ${k} × ${p} float32 (${(totalBytes / 2 ** 30).toFixed(1)} GiB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
      const rssBefore = peakRssBytes();
      const engine = await createEngine({ backend: values.backend as 'native' });
      const weights = inputs.map((_, j) => 100 + j);
      const rows: BenchResult[] = [];
      const table: (string | number)[][] = [];
      const summary: Record<string, number> = {
        'input GiB': totalBytes / 2 ** 30,
        'peak RSS MiB before aggregating (setup)': rssBefore / 2 ** 20,
        'machine memory GiB': totalmem() / 2 ** 30,
      };
      try {
        const runs = String(values.rules)
          .split(',')
          .filter(Boolean)
          .flatMap((rule) =>
            String(values.read)
              .split(',')
              .filter(Boolean)
              .map((read) => [rule, read] as const),
          );
        for (const [rule, read] of runs) {
          const reset = resetPeakRss();
          const stats = await aggregateFiles(engine, inputs, output, {
            rule: rule as 'fedavg',
            read: read as 'pread',
            blockElements: Number(values.block),
            ...(rule === 'fedavg' || rule === 'multi-krum' ? { weights } : {}),
            ...(rule === 'krum' || rule === 'multi-krum' ? { f: Math.floor((k - 3) / 2) } : {}),
          });
          const name = `${rule}::out-of-core-${values.backend}-${read}:K=${k},P=${p}`;
          const rss = stats.peakRssBytes / 2 ** 20;
          log(
            `  ${name}: ${stats.seconds.toFixed(1)} s, ${stats.gbPerSecond.toFixed(2)} GB/s, peak RSS ${rss.toFixed(0)} MiB${reset ? '' : ' (not reset: whole process)'}`,
          );
          rows.push({ name, meanMs: stats.seconds * 1e3, rmePercent: 0, samples: 1, gbPerSecond: stats.gbPerSecond });
          table.push([name, stats.seconds, stats.gbPerSecond, totalBytes / 2 ** 30, Math.round(rss)]);
          summary[`${rule} (${read}): peak RSS MiB${reset ? '' : ' (whole process)'}`] = rss;
        }
      } finally {
        engine.dispose();
      }
      return {
        results: rows,
        summary,
        table: { headers: ['run', 'seconds', 'GB/s', 'input GiB', 'peak RSS (MiB)'], rows: table },
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
