/**
 * What `cocogen simulate` writes besides its checkpoint (docs/training.md): simulation.json's object and
 * simulation.csv's text for a simulation state, so that a program running simulate() writes the same files.
 */
import { toCsv } from '../util/atomic-write.js';
import type { SimulationSetup, SimulationState } from './simulation.js';
import { STRATEGY_LABELS } from './strategies.js';

/**
 * The game behind a simulation, for simulation.json: samples, label counts, initial skew, the equilibrium and
 * optimum amounts and welfare, and the mechanism's shares (null when it was not planned).
 */
export function simulationGameSummary(setup: SimulationSetup) {
  const sol = setup.plan.solution;
  const mech = setup.plan.mechanism;
  return {
    samples: Array.from(setup.scenario.samples),
    labelCounts: setup.federation.labelCounts,
    initialSkew: Array.from(setup.plan.model.delta0),
    potentialGame: sol.potentialGame,
    equilibrium: {
      x: Array.from(sol.equilibrium.x),
      socialWelfare: sol.equilibrium.socialWelfare,
      kktResidual: sol.equilibrium.kktResidual,
    },
    optimum: {
      x: Array.from(sol.optimum.x),
      socialWelfare: sol.optimum.socialWelfare,
      kktResidual: sol.optimum.kktResidual,
    },
    mechanism: mech
      ? {
          sustainable: mech.sustainable,
          status: mech.status,
          shares: Array.from(mech.shares),
          lumpSums: Array.from(mech.lumpSums),
          payoffs: Array.from(mech.payoffs),
        }
      : null,
  };
}

/**
 * simulation.json and `cocogen simulate --json`: { config, completedRounds, ...meta, strategies: { <name>: { label,
 * rounds, final } } }, with `meta` (backend, generatorSeconds, game…) spread between.
 */
export function simulationResultJSON(state: SimulationState, meta: object) {
  const strategies: Record<string, unknown> = {};
  for (const name of state.config.strategies) {
    const rounds = state.strategies[name]!.rounds;
    const last = rounds[rounds.length - 1];
    strategies[name] = {
      label: STRATEGY_LABELS[name],
      rounds,
      final: last ? { accuracy: last.accuracy, loss: last.loss } : null,
    };
  }
  return { config: state.config, completedRounds: state.completedRounds, ...meta, strategies };
}

/** simulation.csv: one row per strategy and finished round, in the config's strategy order. */
export function simulationCsv(state: SimulationState): string {
  const rows: (string | number | null)[][] = [];
  for (const name of state.config.strategies) {
    for (const r of state.strategies[name]!.rounds) {
      rows.push([
        r.round,
        name,
        r.accuracy,
        r.loss,
        r.generated.reduce((a, b) => a + b, 0),
        r.generated.join(';'),
        r.gain,
        r.predictedGain,
        r.utilities.reduce((a, b) => a + b, 0),
        r.predictedUtilities.reduce((a, b) => a + b, 0),
        r.utilities.join(';'),
        r.heterogeneity,
        r.predictedHeterogeneity,
        r.seconds,
      ]);
    }
  }
  return toCsv(
    [
      'round',
      'strategy',
      'test accuracy',
      'test loss (nats)',
      'generated (samples)',
      'generated per organization',
      'realized gain vs VCFL (nats)',
      'predicted gain vs no generation (nats)',
      'welfare, measured (value units)',
      'welfare, predicted (value units)',
      'utilities per organization, measured',
      'heterogeneity H, realized',
      'heterogeneity H, game',
      'seconds',
    ],
    rows,
  );
}
