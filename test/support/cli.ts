import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built CLI (`bin/cocogen.js` → dist/) as a user would, in a child process. */
export function runCli(
  args: string[],
  options: { cwd?: string; timeoutMs?: number; env?: Record<string, string> } = {},
): CliRun {
  const r = spawnSync(process.execPath, [`${ROOT}bin/cocogen.js`, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
  });
  // An INTERNAL error is a bug (src/cli/output.ts): no test's command, bad input included, may produce one.
  if (/\[INTERNAL\]|"code":"INTERNAL"/.test(r.stderr))
    throw new Error(`cocogen ${args.join(' ')} reported an INTERNAL error (a bug): ${r.stderr}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Run an ES module source with node from `cwd` (e.g. to check the package's exports map). */
export function runModule(source: string, cwd = ROOT): CliRun {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', source], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
