/**
 * The comparison table `cocogen simulate` and `cocogen demo` print at the end of a simulation: one shared module, so
 * that neither command imports the other.
 */
import { DATASET_INFO } from '../fl/datasets.js';
import type { SimulationState } from '../fl/simulation.js';
import { STRATEGY_LABELS } from '../fl/strategies.js';
import { counted, formatSeconds, table } from './output.js';

/** The last round per strategy: accuracy, loss, generation, predicted and realized gain and welfare. */
export function simulationReport(state: SimulationState, generatorSeconds: number, backend: string): string {
  const c = state.config;
  const rows = c.strategies.map((name) => {
    const rounds = state.strategies[name]!.rounds;
    const r = rounds[rounds.length - 1]!;
    return [
      STRATEGY_LABELS[name],
      r.accuracy,
      r.loss,
      r.generated.reduce((a, b) => a + b, 0),
      r.predictedGain,
      r.gain ?? NaN,
      r.predictedUtilities.reduce((a, b) => a + b, 0),
      r.utilities.reduce((a, b) => a + b, 0),
    ] as (string | number)[];
  });
  return [
    `Simulated ${counted(state.completedRounds, 'round')}: ${counted(c.organizations, 'organization')}, Dirichlet α = ${c.alpha}, competition g = ${c.competition}, rivalry ${c.rivalry}, ${c.model} on ${DATASET_INFO[c.dataset].title}, seed ${c.seed}, backend ${backend}`,
    `Curve: ${c.curveSource}${c.recalibrate === 'online' ? `, refit online after each round on ${c.validation} validation images` : ''}; PPCA generator fitted in ${formatSeconds(generatorSeconds)} s.`,
    '',
    table(
      [
        'strategy',
        'accuracy',
        'loss',
        'generated/round',
        'predicted gain',
        'realized gain',
        'welfare (predicted)',
        'welfare (measured)',
      ],
      rows,
      // A test loss on 1,000 images is uncertain in its second decimal: three are enough.
      ['auto', 'auto', { decimals: 3 }],
    ),
    '',
    `Last round. Gains are in nats of test loss: predicted by the ${c.recalibrate === 'online' ? "strategy's refit" : 'calibrated'} curve for the amounts generated, realized`,
    'against VCFL trained on the same seeds. Welfare is Σ U_n (market value 1 per nat, cost per synthetic sample).',
  ].join('\n');
}
