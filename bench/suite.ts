import type { BenchReport, BenchResult } from './harness.js';

/** One benchmark suite: `npm run bench -- <name> [flags]`. */
export interface Suite {
  name: string;
  help: string;
  /** Flags this suite takes (node:util parseArgs options, all strings or booleans). */
  options: Record<string, { type: 'string' | 'boolean'; default?: string | boolean }>;
  /** Run and return the rows plus derived ratios; print progress with `log`. */
  run(values: Record<string, string | boolean | undefined>, log: (line: string) => void): Promise<SuiteOutcome>;
}

export interface SuiteOutcome {
  results: BenchResult[];
  /** Ratios and facts worth reading first (e.g. "fedavg::native / triad"). */
  summary: BenchReport['summary'];
  /** The printed table: headers and rows. */
  table: { headers: string[]; rows: (string | number)[][] };
}
