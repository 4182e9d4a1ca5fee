/** How the CLI reports errors (src/cli/output.ts): typed errors as they are, anything else as an INTERNAL bug. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { convergenceFailure } from '../../src/cli/commands/solve.js';
import { parseScenario } from '../../src/game/scenario.js';
import { solveGame } from '../../src/game/solve-game.js';
import { INTERNAL_ERROR_NOTE, reportError, type Io } from '../../src/cli/output.js';
import { CocogenError } from '../../src/core/errors.js';

function capture(): Io & { lines: string[] } {
  const lines: string[] = [];
  const push = (s: string) => void lines.push(s);
  return { lines, out: push, err: push, isTTY: false };
}

describe('reportError', () => {
  it('reports a CocogenError with its code and exit status', () => {
    const io = capture();
    expect(reportError(io, new CocogenError('INVALID_ARGUMENT', 'Expected x for y but received z'), false)).toBe(2);
    expect(io.lines).toEqual(['cocogen: Expected x for y but received z [INVALID_ARGUMENT]']);
    const json = capture();
    expect(reportError(json, new CocogenError('IO_ERROR', 'Could not write f'), true)).toBe(1);
    expect(JSON.parse(json.lines[0]!)).toEqual({ error: { code: 'IO_ERROR', message: 'Could not write f' } });
  });

  it('reports anything else as INTERNAL, saying it is a bug, with exit 1', () => {
    const io = capture();
    expect(reportError(io, new TypeError("Cannot read properties of undefined (reading 'x')"), false)).toBe(1);
    expect(io.lines[0]).toMatch(/^cocogen: TypeError: Cannot read properties of undefined .*\[INTERNAL\]$/);
    expect(io.lines[0]).toContain(INTERNAL_ERROR_NOTE);
    const json = capture();
    expect(reportError(json, 'a thrown string', true)).toBe(1);
    expect(JSON.parse(json.lines[0]!).error.code).toBe('INTERNAL');
  });
});

describe('solve: a solve that did not converge', () => {
  it('is named by convergenceFailure (exit 1 unless --best-effort), and a converged one is not', () => {
    const s = parseScenario(JSON.parse(readFileSync('examples/hospitals-uniform.json', 'utf8')));
    expect(convergenceFailure(solveGame(s))).toBeNull();
    // Competition beyond every market value: not a potential game, so best-response dynamics, here cut at 1 sweep.
    const json = JSON.parse(readFileSync('examples/hospitals-uniform.json', 'utf8'));
    json.competition = { uniform: 1.5 };
    const cut = solveGame(parseScenario(json), { maxSweeps: 1, outsideOptions: false });
    expect(cut.potentialGame).toBe(false);
    expect(cut.equilibrium.converged).toBe(false);
    expect(convergenceFailure(cut)).toMatch(/^the equilibrium \(max-iterations\)/);
  });
});
