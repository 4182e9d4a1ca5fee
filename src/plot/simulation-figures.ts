/**
 * The two figures of `cocogen simulate` (docs/training.md): test accuracy and loss per round (accuracy.svg), and
 * the gain synthetic data bought, predicted by the curve against realized in training (gain.svg). A line per
 * strategy, in the config's strategy order, drawn in the strategy's own colour, dash and marker (STRATEGY_STYLES) in
 * every panel.
 */
import type { SimulationRound, SimulationState } from '../fl/simulation.js';
import { STRATEGY_LABELS } from '../fl/strategies.js';
import { panelsSvg, type Series } from './line-chart.js';
import { STRATEGY_STYLES } from './strategy-styles.js';

/** The setting every subtitle names. */
function settingOf(state: SimulationState): string {
  const c = state.config;
  return `${c.organizations} organizations, α = ${c.alpha}, g = ${c.competition}, ${c.model}, seed ${c.seed}`;
}

/** One series per strategy of `y` against the round. */
function perRound(state: SimulationState, y: (r: SimulationRound) => number): Series[] {
  return state.config.strategies.map((name) => {
    const rounds = state.strategies[name]!.rounds;
    return { label: STRATEGY_LABELS[name], x: rounds.map((r) => r.round), y: rounds.map(y), ...STRATEGY_STYLES[name] };
  });
}

/** accuracy.svg: test accuracy (left) and test loss (right) against the round. */
export function simulationAccuracySvg(state: SimulationState): string {
  return panelsSvg({
    title: 'Federated training per strategy',
    subtitle: settingOf(state),
    panels: [
      {
        title: 'Test accuracy',
        xLabel: 'round',
        yLabel: 'test accuracy (fraction)',
        series: perRound(state, (r) => r.accuracy),
        xIntegers: true,
        yBounds: [0, 1],
        legend: false,
      },
      {
        title: 'Test loss',
        xLabel: 'round',
        yLabel: 'test loss (nats)',
        series: perRound(state, (r) => r.loss),
        xIntegers: true,
        yBounds: [0, Infinity],
      },
    ],
  });
}

/**
 * gain.svg: the last round's realized against predicted gain (with y = x), and the realized gain per round. The
 * legend, on the right, names each strategy's colour and marker for both panels.
 */
export function simulationGainSvg(state: SimulationState): string {
  const gainSeries = perRound(state, (r) => r.gain ?? NaN);
  const last = state.config.strategies.map((name) => state.strategies[name]!.rounds.at(-1));
  const px = last.map((r) => r?.predictedGain ?? NaN);
  const py = last.map((r) => r?.gain ?? NaN);
  const all = [...px, ...py].filter(Number.isFinite);
  const lo = Math.min(0, ...all);
  const hi = Math.max(0, ...all);
  return panelsSvg({
    title: 'What synthetic data bought: predicted vs realized gain',
    subtitle: `${settingOf(state)}; gain = performance (ln 10 − test loss) over VCFL`,
    panels: [
      {
        title: `Last round (${state.completedRounds}): realized vs predicted`,
        xLabel: 'predicted gain, calibrated curve (nats)',
        yLabel: 'realized gain vs VCFL (nats)',
        series: [
          { label: 'y = x', x: [lo, hi], y: [lo, hi], markers: false, reference: true },
          ...state.config.strategies.map((name, i) => ({
            label: STRATEGY_LABELS[name],
            x: [px[i]!],
            y: [py[i]!],
            pointsOnly: true,
            legend: false,
            color: STRATEGY_STYLES[name].color,
            marker: STRATEGY_STYLES[name].marker,
          })),
        ],
      },
      {
        title: 'Realized gain per round',
        xLabel: 'round',
        yLabel: 'realized gain vs VCFL (nats)',
        series: gainSeries,
        xIntegers: true,
        yZero: true,
      },
    ],
  });
}
