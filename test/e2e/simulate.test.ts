import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const root = mkdtempSync(join(tmpdir(), 'cocogen-simulate-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// A tiny config: 2 organizations over 600 images, 2 rounds, every strategy; cheap generator fit.
const tiny = [
  '--orgs',
  '2',
  '--rounds',
  '2',
  '--alpha',
  '0.5',
  '--competition',
  '0.3',
  '--seed',
  '3',
  '--pool',
  '600',
  '--cost',
  '2e-4',
  '--backend',
  'js',
];

describe('cocogen simulate', () => {
  const full = join(root, 'full');
  let fullJson: {
    config: unknown;
    strategies: Record<string, { rounds: unknown[]; final: { accuracy: number; loss: number } }>;
  };

  it('runs every strategy on the same seeds and writes CSV, JSON, SVG and a checkpoint', () => {
    const r = runCli(['simulate', ...tiny, '--out', full, '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe(''); // no progress bar off a terminal
    fullJson = JSON.parse(r.stdout);
    expect(Object.keys(fullJson.strategies)).toEqual(['vcfl', 'wco', 'radg', 'equilibrium', 'mechanism']);
    for (const [name, s] of Object.entries(fullJson.strategies)) {
      expect(s.rounds).toHaveLength(2);
      const last = s.rounds[1] as {
        round: number;
        accuracy: number;
        loss: number;
        generated: number[];
        utilities: number[];
        predictedUtilities: number[];
        gain: number;
        predictedGain: number;
      };
      expect(last.round).toBe(2);
      expect(s.final).toEqual({ accuracy: last.accuracy, loss: last.loss });
      expect(last.accuracy).toBeGreaterThan(0.3);
      expect(last.generated).toHaveLength(2);
      expect(last.utilities).toHaveLength(2);
      expect(last.predictedUtilities).toHaveLength(2);
      if (name === 'vcfl') {
        expect(last.generated).toEqual([0, 0]);
        expect(last.gain).toBe(0);
        expect(last.predictedGain).toBe(0);
      }
    }
    for (const f of ['checkpoint.json', 'simulation.json', 'simulation.csv', 'accuracy.svg', 'gain.svg'])
      expect(existsSync(join(full, f)), f).toBe(true);
    expect(readFileSync(join(full, 'simulation.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + 2 * 5);
    expect(readFileSync(join(full, 'gain.svg'), 'utf8')).toMatch(/^<svg/);
  });

  it('--resume continues a run killed after its first round, and ends bit for bit where the uninterrupted run did', () => {
    const dir = join(root, 'killed');
    const killed = runCli(['simulate', ...tiny, '--out', dir, '--stop-after-round', '1']);
    expect(killed.status).toBeNull(); // SIGKILL: no exit code, no results printed
    expect(killed.stdout).toBe('');
    const checkpoint = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'));
    expect(checkpoint.completedRounds).toBe(1);
    const firstRound = checkpoint.strategies.mechanism.rounds[0];

    const resumed = runCli(['simulate', '--resume', dir, '--json']);
    expect(resumed.status, resumed.stderr).toBe(0);
    const out = JSON.parse(resumed.stdout);
    expect(out.strategies.mechanism.rounds[0]).toEqual(firstRound); // not redone, not lost
    // Everything but wall-clock times equals the uninterrupted run.
    const strip = (j: unknown) => JSON.parse(JSON.stringify(j, (k, v) => (k === 'seconds' ? undefined : v)));
    expect(strip(out.strategies)).toEqual(strip(fullJson.strategies));
    expect(out.config).toEqual(fullJson.config);
    const finalCheckpoint = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'));
    const fullCheckpoint = JSON.parse(readFileSync(join(full, 'checkpoint.json'), 'utf8'));
    for (const name of Object.keys(fullCheckpoint.strategies))
      expect(finalCheckpoint.strategies[name].params).toBe(fullCheckpoint.strategies[name].params); // float32 bytes

    // Resuming a finished run redoes nothing; a flag that changes the config is refused.
    const again = runCli(['simulate', '--resume', dir, '--json']);
    expect(again.status, again.stderr).toBe(0);
    expect(strip(JSON.parse(again.stdout).strategies)).toEqual(strip(out.strategies));
    const clash = runCli(['simulate', '--resume', dir, '--alpha', '2']);
    expect(clash.status).toBe(2);
    expect(clash.stderr).toMatch(/--alpha/);
  });

  it('--seeds runs each seed as simulate --seed does, and writes the paired statistics', () => {
    const dir = join(root, 'seeds');
    const flags = tiny.filter((_, i) => tiny[i] !== '--seed' && tiny[i - 1] !== '--seed');
    const r = runCli(['simulate', ...flags, '--seeds', '3,4', '--out', dir, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.seeds).toEqual([3, 4]);
    expect(j.level).toBe(0.95);
    expect(Object.keys(j.summary)).toEqual(['vcfl', 'wco', 'radg', 'equilibrium', 'mechanism']);
    expect(Object.keys(j.comparisons)).toEqual(['vcfl', 'wco', 'radg', 'equilibrium']);
    expect(['best', 'tied', 'below']).toContain(j.verdict.mechanism);
    expect(j.verdict.prediction.tolerance).toBe(0.15);
    expect(j.runs).toEqual({ 3: join(dir, 'seed-3'), 4: join(dir, 'seed-4') });
    // Seed 3's folder holds the bits of the single run with --seed 3 above (all but the timings).
    const single = JSON.parse(readFileSync(join(dir, 'seed-3', 'simulation.json'), 'utf8'));
    const untimed = (j: unknown) => JSON.parse(JSON.stringify(j, (k, v) => (k === 'seconds' ? undefined : v)));
    expect(untimed(single.strategies)).toEqual(untimed(fullJson.strategies));
    const other = JSON.parse(readFileSync(join(dir, 'seed-4', 'simulation.json'), 'utf8'));
    // The summary is the mean of the two runs' final accuracies, as a hand computation gives it.
    const accuracy = (run: typeof fullJson, name: string) => run.strategies[name]!.final.accuracy;
    for (const name of Object.keys(j.summary))
      expect(j.summary[name].accuracy.mean).toBeCloseTo((accuracy(single, name) + accuracy(other, name)) / 2, 14);
    expect(readFileSync(join(dir, 'seeds.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + 5);
    expect(readFileSync(join(dir, 'seeds.svg'), 'utf8')).toContain('<svg');
    expect(JSON.parse(readFileSync(join(dir, 'seeds.json'), 'utf8')).summary).toEqual(j.summary);
  });

  it("--recalibrate online records each round's curve and validation loss, and resumes to the same run", () => {
    const dir = join(root, 'online');
    const r = runCli(['simulate', ...tiny, '--out', dir, '--recalibrate', 'online', '--validation', '200', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.config).toMatchObject({ recalibrate: 'online', validation: 200 });
    expect(j.config.curveUncertainty.rmse).toBeGreaterThan(0);
    const rounds = j.strategies.mechanism.rounds;
    expect(rounds[0].curve).toEqual(j.config.curve);
    expect(rounds[1].curve).not.toEqual(j.config.curve);
    expect(rounds[1].validationLoss).toBeGreaterThan(0);
    expect(rounds[1].validationLossStandardError).toBeGreaterThan(0);
    // The default run's rounds carry none of these fields.
    expect(fullJson.config).toMatchObject({ recalibrate: 'none', validation: 0 });
    expect(fullJson.strategies.mechanism!.rounds[0]).not.toHaveProperty('curve');
  });

  it('refuses a bad --seeds, and --seeds beside --seed or --resume, with exit 2 and no output', () => {
    for (const [flags, re] of [
      [['--seeds', '3-1'], /--seeds/],
      [['--seeds', '1,1'], /--seeds/],
      [['--seeds', '1-2-3'], /--seeds/],
      [['--seeds', ''], /--seeds/],
      [['--seeds', '-1'], /--seeds/],
      [['--seeds', '0-5000'], /--seeds/],
      [['--seeds', '1,2', '--seed', '3'], /--seed\b/],
      [['--seeds', '1,2', '--resume', join(root, 'full')], /--resume/],
    ] as [string[], RegExp][]) {
      const out = join(root, 'bad-seeds');
      const r = runCli(['simulate', '--out', out, ...flags, '--json']);
      expect(r.status, flags.join(' ')).toBe(2);
      expect(JSON.parse(r.stderr).error.code).toBe('INVALID_ARGUMENT');
      expect(r.stderr, flags.join(' ')).toMatch(re);
      expect(existsSync(out), flags.join(' ')).toBe(false);
    }
  });

  it('--dataset mnist trains on the shipped MNIST subset with a curve calibrated on it, and resumes as MNIST', () => {
    const cal = join(root, 'mnist-cal');
    const c = runCli(
      ['calibrate', '--dataset', 'mnist', '--out', cal, '--sizes', '200,600,1800', '--alphas', '0.1,10'].concat([
        '--orgs',
        '3',
        '--rounds',
        '2',
        '--json',
      ]),
    );
    expect(c.status, c.stderr).toBe(0);
    const calibration = JSON.parse(c.stdout);
    expect(calibration.config).toMatchObject({ dataset: 'mnist', data: expect.stringMatching(/mnist-subset$/) });
    const dir = join(root, 'mnist');
    const mnist = [...tiny, '--dataset', 'mnist', '--curve', join(cal, 'calibration.json'), '--strategies'];
    const killed = runCli(['simulate', ...mnist, 'vcfl,mechanism', '--out', dir, '--stop-after-round', '1']);
    expect(killed.status).toBeNull();
    const checkpoint = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'));
    expect(checkpoint.config).toMatchObject({ dataset: 'mnist', data: null, curve: calibration.learningCurve });
    // A calibration of MNIST does not drive a Fashion-MNIST run.
    const wrong = runCli(['simulate', ...tiny, '--curve', join(cal, 'calibration.json'), '--out', join(root, 'w')]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/for --curve but received .*calibrated on mnist/);
    // Nor does a calibration of softmax regression drive an MLP run.
    const model = runCli(['simulate', ...mnist, 'vcfl', '--model', 'mlp', '--out', join(root, 'm')]);
    expect(model.status).toBe(2);
    expect(model.stderr).toMatch(/a calibration of the run's model, mlp .*calibrated with softmax/);
    // Resuming under another dataset is refused; without the flag the run goes on as MNIST.
    const clash = runCli(['simulate', '--resume', dir, '--dataset', 'fashion-mnist']);
    expect(clash.status).toBe(2);
    expect(clash.stderr).toMatch(/--dataset/);
    const resumed = runCli(['simulate', '--resume', dir]);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/softmax on MNIST, seed 3/); // the readable report names the dataset
    const j = JSON.parse(readFileSync(join(dir, 'simulation.json'), 'utf8'));
    expect(j.config.dataset).toBe('mnist');
    for (const s of Object.values(j.strategies) as { rounds: unknown[]; final: { accuracy: number } }[]) {
      expect(s.rounds).toHaveLength(2);
      expect(s.final.accuracy).toBeGreaterThan(0.5); // digits, learnt: chance is 0.1
    }
  });

  it('--model cnn trains the CNN on the engine with a given curve (1 round, vcfl, 600 images)', () => {
    const curve = join(root, 'cnn-curve.json');
    writeFileSync(curve, JSON.stringify({ floor: 0.05, scale: 15, exponent: 0.4, heterogeneity: 0.1 }));
    const cnn = [...tiny.slice(0, -2), '--backend', 'native', '--model', 'cnn', '--curve', curve];
    const r = runCli([
      'simulate',
      ...cnn,
      '--rounds',
      '1',
      '--strategies',
      'vcfl',
      '--out',
      join(root, 'cnn'),
      '--json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.config).toMatchObject({ model: 'cnn', curve: { floor: 0.05 } });
    // One epoch of the CNN over ~600 images beats chance by far.
    expect(j.strategies.vcfl.final.accuracy).toBeGreaterThan(0.4);
  });

  it('names the flag of every bad value and exits 2', () => {
    const bad: [string[], RegExp][] = [
      [['--orgs', '0'], /--orgs/],
      [['--rounds', 'x'], /--rounds/],
      [['--alpha', '-1'], /--alpha/],
      [['--competition', 'nan'], /--competition/],
      [['--strategies', 'vcfl,magic'], /--strategies/],
      [['--model', 'cnn2'], /--model/],
      [['--backend', 'cuda'], /--backend/],
      [['--data', '/nonexistent'], /--data/],
      [['--curve', '/nonexistent.json'], /--curve/],
      [['--cost', '-1'], /--cost/],
      [['--recalibrate', 'offline'], /none or online for --recalibrate/],
      [['--validation', '100'], /only beside --recalibrate online/],
      [['--recalibrate', 'online', '--validation', '0'], /--validation/],
      [['--recalibrate', 'online', '--validation', '1000'], /--validation/],
      [['--dataset', 'digits'], /fashion-mnist or mnist for --dataset/],
    ];
    for (const [flags, re] of bad) {
      const r = runCli(['simulate', '--out', join(root, 'bad'), ...flags, '--json']);
      expect(r.status, flags.join(' ')).toBe(2);
      expect(JSON.parse(r.stderr).error.code).toBe('INVALID_ARGUMENT');
      expect(r.stderr, flags.join(' ')).toMatch(re);
    }
    expect(runCli(['simulate']).stderr).toMatch(/--out/);
    // A resumed run keeps its recalibration and its dataset.
    expect(runCli(['simulate', '--resume', full, '--recalibrate', 'online']).stderr).toMatch(/--recalibrate/);
    const clash = runCli(['simulate', '--resume', full, '--dataset', 'mnist', '--json']);
    expect(clash.status).toBe(2);
    expect(JSON.parse(clash.stderr).error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(clash.stderr).toMatch(/checkpoint's value \\"fashion-mnist\\".*for --dataset/);
    expect(runCli(['simulate', '--resume', join(root, 'nothing-here')]).stderr).toMatch(/--resume/);
  });
});
