import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('cocogen train', () => {
  it('trains a task centrally and reports every epoch, the same on a second run', () => {
    const args = ['train', '--dataset', 'mnist', '--model', 'mlp', '--epochs', '2', '--pool', '600', '--backend', 'js'];
    const r = runCli([...args, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.config).toMatchObject({ dataset: 'mnist', model: 'mlp', parameters: 50_890, train: 600, test: 1000 });
    expect(j.config).toMatchObject({ batchSize: 32, learningRate: 0.01, momentum: 0.9, seed: 1, backend: 'js' });
    expect(j.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2]);
    expect(j.epochs[1].testLoss).toBeLessThan(j.epochs[0].testLoss);
    expect(j.epochs[1].testAccuracy).toBeGreaterThan(0.6);
    // Seeded: the same config trains the same model.
    const again = JSON.parse(runCli([...args, '--json']).stdout);
    expect(again.epochs.map((e: { testLoss: number }) => e.testLoss)).toEqual(
      j.epochs.map((e: { testLoss: number }) => e.testLoss),
    );
    const text = runCli(args);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^Centralized mlp \(50,890 parameters\) on MNIST/);
    expect(text.stdout).toMatch(/epoch\s+train loss\s+test accuracy %\s+test loss\s+seconds/);
    expect(text.stderr).toBe('');
  });
});
