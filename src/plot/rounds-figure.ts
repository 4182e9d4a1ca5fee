/**
 * The figure of `cocogen rounds` (docs/incentive.md): retention and cumulative welfare against the round, a line per
 * payment scheme. Schemes often keep the same members for many rounds; their lines then lie on each other, so each
 * scheme has its own colour, dash and marker, markers at a shared point are drawn nested, and schemes that coincide
 * throughout are named under the legend (line-chart.ts).
 */
import type { RoundsResult } from '../incentive/rounds.js';
import { SCHEME_LABELS } from '../incentive/rounds-results.js';
import { SCHEMES, type SchemeName } from '../incentive/comparators.js';
import { panelsSvg, type Series } from './line-chart.js';

/** rounds.svg; `name` (the scenario's name or file) heads the subtitle. */
export function roundsSvg(r: RoundsResult, name: string): string {
  const series = (pick: (rec: RoundsResult['records'][SchemeName][number]) => number): Series[] =>
    SCHEMES.map((s) => ({
      label: SCHEME_LABELS[s],
      x: r.records[s].map((rec) => rec.round),
      y: r.records[s].map(pick),
    }));
  return panelsSvg({
    title: `Retention and welfare over ${r.rounds} rounds`,
    subtitle: `${name}: ${r.ids.length} organizations; an organization paid less than its outside option leaves`,
    panels: [
      {
        title: 'Retention',
        xLabel: 'round',
        yLabel: 'organizations in the federation (fraction of N)',
        series: series((rec) => rec.retention),
        // A fraction: the axis is [0, 1] and always shows all of it.
        yInclude: [0, 1],
        yBounds: [0, 1],
        xIntegers: true,
      },
      {
        title: 'Cumulative welfare',
        xLabel: 'round',
        yLabel: 'cumulative welfare (value units)',
        series: series((rec) => rec.cumulativeWelfare),
        xIntegers: true,
        legend: false,
      },
    ],
  });
}
