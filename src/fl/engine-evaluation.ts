/**
 * Where a simulation, a calibration or a centralized run tests its model. The CNN's reference forward is float64 loops
 * (about 7 s per 1,000 images on one core), so off the `js` engine it is tested on the engine's own forward
 * (`evaluate` with `{ engine }`: `engine.cnnLogits`, float32), where it trained. The dense models' reference forward is
 * one or two products and stays the reference: float64, the same numbers on every backend.
 */
import type { Engine } from '../engine/engine.js';
import type { Model } from './models.js';
import type { LabeledSamples } from './samples.js';
import { evaluate, type Evaluation } from './train.js';

/** Accuracy and mean loss of `params` on a labelled set: the CNN's forward on `engine` unless it is `js`. */
export async function evaluateWhereTrained(
  engine: Engine,
  model: Model,
  params: Float32Array,
  test: LabeledSamples,
): Promise<Evaluation> {
  return model?.kind === 'cnn' && engine?.backend !== 'js'
    ? evaluate(model, params, test, { engine })
    : evaluate(model, params, test);
}
