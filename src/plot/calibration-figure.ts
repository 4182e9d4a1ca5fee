/**
 * The figure of `cocogen calibrate` (docs/training.md): how well the fitted learning curve follows the measured loss.
 */
import { curveLoss, type CalibrationResult } from '../fl/calibration.js';
import { formatNumber } from '../util/format-number.js';
import { DASHES, MARKERS, panelsSvg, PALETTE, type Series } from './line-chart.js';

/**
 * calibration.svg: measured test loss against pooled size with the fitted curve at each point's heterogeneity, a
 * colour per α (left), and fitted against measured loss around y = x (right), with the same colour and marker per α
 * in both panels. `model` is named in the title.
 */
export function calibrationSvg(r: CalibrationResult, model: string): string {
  const { fit } = r;
  const alphas = [...new Set(r.points.map((p) => p.alpha))];
  const series: Series[] = [];
  const scatter: Series[] = [];
  alphas.forEach((a, i) => {
    const pts = r.points.filter((p) => p.alpha === a);
    const color = PALETTE[i % PALETTE.length]!;
    const marker = MARKERS[i % MARKERS.length]!;
    series.push({
      label: `α = ${a}: measured`,
      x: pts.map((p) => p.size),
      y: pts.map((p) => p.loss),
      pointsOnly: true,
      color,
      marker,
    });
    series.push({
      label: `α = ${a}: fitted at the points' H`,
      x: pts.map((p) => p.size),
      y: pts.map((p) => curveLoss(fit, p.size, p.heterogeneity)),
      markers: false,
      color,
      marker,
      dash: DASHES[i % DASHES.length]!,
    });
    scatter.push({
      label: `α = ${a}`,
      x: pts.map((p) => p.loss),
      y: pts.map((p) => fit.fitted[r.points.indexOf(p)]!),
      pointsOnly: true,
      color,
      marker,
    });
  });
  const lo = Math.min(...r.points.map((p) => Math.min(p.loss, fit.fitted[r.points.indexOf(p)]!)));
  const hi = Math.max(...r.points.map((p) => Math.max(p.loss, fit.fitted[r.points.indexOf(p)]!)));
  const sub = `L∞ = ${formatNumber(fit.floor)}, A = ${formatNumber(fit.scale)}, β = ${formatNumber(fit.exponent)}, η = ${formatNumber(fit.heterogeneity)}; R² = ${formatNumber(fit.rSquared)}`;
  return panelsSvg({
    title: `Learning-curve calibration (${model}, ${r.organizations} organizations, ${r.recipe.rounds} FedAvg rounds)`,
    subtitle: sub,
    panels: [
      {
        title: 'Test loss vs pooled size',
        xLabel: 'pooled size D (samples, log scale)',
        yLabel: 'test loss (nats)',
        xLog: true,
        series,
        yBounds: [0, Infinity],
        legendColumns: 2,
      },
      {
        title: 'Fitted vs measured',
        xLabel: 'measured test loss (nats)',
        yLabel: 'fitted test loss (nats)',
        series: [{ label: 'y = x', x: [lo, hi], y: [lo, hi], markers: false, reference: true }, ...scatter],
        yBounds: [0, Infinity],
      },
    ],
  });
}
