/**
 * How every figure draws a strategy: one colour, dash pattern and marker per strategy, the same in every panel, every
 * figure and every legend (simulate's accuracy and gain, the seed comparison, the sweep's welfare), so that a reader
 * who learnt "orange is the mechanism" in one figure can read the next one without its legend.
 */
import type { StrategyName } from '../fl/strategies.js';
import type { MarkerShape } from './line-chart.js';

export interface StrategyStyle {
  color: string;
  dash: string;
  marker: MarkerShape;
}

/** Okabe–Ito colours; the mechanism is the social optimum (the sweep's "optimum" is drawn the same). */
export const STRATEGY_STYLES: Readonly<Record<StrategyName, StrategyStyle>> = {
  mechanism: { color: '#D55E00', dash: '', marker: 'circle' },
  equilibrium: { color: '#0072B2', dash: '10 4', marker: 'square' },
  wco: { color: '#CC79A7', dash: '6 3', marker: 'triangle' },
  radg: { color: '#E69F00', dash: '2 3', marker: 'diamond' },
  vcfl: { color: '#009E73', dash: '8 3 2 3', marker: 'triangle-down' },
};
