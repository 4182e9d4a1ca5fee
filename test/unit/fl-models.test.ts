import { describe, expect, it } from 'vitest';
import { CocogenError } from '../../src/core/errors.js';
import { createModel, sgdMomentumStep, softmaxCrossEntropy, type Model } from '../../src/fl/models.js';
import { Random } from '../../src/util/random.js';
import { expectClose } from '../support/expect-close.js';

/** Central finite differences of the mean loss in float64, for every parameter (small models only). */
function numericGradient(
  model: Model,
  params: Float64Array,
  x: Float64Array,
  y: Uint8Array,
  batch: number,
  h = 1e-6,
): Float64Array {
  const g = new Float64Array(params.length);
  const scratch = new Float64Array(params.length);
  for (let i = 0; i < params.length; i++) {
    const save = params[i]!;
    params[i] = save + h;
    const up = model.lossAndGradient(params, x, y, batch, scratch);
    params[i] = save - h;
    const down = model.lossAndGradient(params, x, y, batch, scratch);
    params[i] = save;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

function problem(model: Model, batch: number, seed: number) {
  const rng = new Random(seed);
  const params = rng.fillNormal(new Float64Array(model.parameterCount), 0, 0.5);
  const x = Float64Array.from({ length: batch * model.inputs }, () => rng.next());
  const y = Uint8Array.from({ length: batch }, () => Math.floor(rng.next() * model.classes));
  return { params, x, y };
}

const cases: [string, Model][] = [
  ['softmax regression 7→4', createModel({ kind: 'softmax', inputs: 7, classes: 4 })],
  ['MLP 6-5-3', createModel({ kind: 'mlp', inputs: 6, hidden: 5, classes: 3 })],
];

describe.each(cases)('%s', (_, model) => {
  const batch = 9;

  it('has the documented flat parameter count', () => {
    const { inputs: d, hidden: h, classes: c } = model;
    expect(model.parameterCount).toBe(h === 0 ? d * c + c : d * h + h + h * c + c);
  });

  it('matches central finite differences in float64', () => {
    const { params, x, y } = problem(model, batch, 3);
    const grad = new Float64Array(model.parameterCount);
    model.lossAndGradient(params, x, y, batch, grad);
    expectClose(grad, numericGradient(model, params, x, y, batch), { rtol: 1e-5, atol: 1e-8 });
  });

  it('gives the same loss and gradient in float32 storage, within float32 rounding', () => {
    const { params, x, y } = problem(model, batch, 4);
    const g64 = new Float64Array(model.parameterCount);
    const l64 = model.lossAndGradient(params, x, y, batch, g64);
    const g32 = new Float32Array(model.parameterCount);
    const l32 = model.lossAndGradient(Float32Array.from(params), Float32Array.from(x), y, batch, g32);
    expect(l32).toBeCloseTo(l64, 5);
    expectClose(g32, g64, { rtol: 1e-4, atol: 1e-6 });
  });

  it('loss equals the cross-entropy of its logits', () => {
    const { params, x, y } = problem(model, batch, 5);
    const z = model.logits(params, x, batch);
    const loss = model.lossAndGradient(params, x, y, batch, new Float64Array(model.parameterCount));
    let ref = 0;
    for (let i = 0; i < batch; i++) {
      const row = Array.from(z.subarray(i * model.classes, (i + 1) * model.classes));
      ref += -Math.log(Math.exp(row[y[i]!]!) / row.reduce((s, v) => s + Math.exp(v), 0));
    }
    expect(loss).toBeCloseTo(ref / batch, 12);
  });

  it('checks its arguments', () => {
    const p = new Float32Array(model.parameterCount);
    expect(() => model.logits(p, new Float32Array(model.inputs + 1), 1)).toThrow(CocogenError);
    expect(() => model.logits(new Float32Array(3), new Float32Array(model.inputs), 1)).toThrow(/parameters for params/);
    expect(() =>
      model.lossAndGradient(
        p,
        new Float32Array(model.inputs),
        Uint8Array.of(model.classes),
        1,
        new Float32Array(p.length),
      ),
    ).toThrow(/labels\[0\]/);
  });
});

describe('softmaxCrossEntropy', () => {
  it('is stable for huge logits and matches log-sum-exp', () => {
    const z = Float64Array.of(1000, 0, -1000, 1e4, 1e4 + Math.log(3), 0);
    const dz = new Float64Array(6);
    const loss = softmaxCrossEntropy(z, [0, 0], 2, 3, dz);
    // row 0: ≈0; row 1: log(1 + 3) since the other logit is 3× as likely
    expect(loss).toBeCloseTo((0 + Math.log(4)) / 2, 10);
    expectClose(dz, [0, 0, 0, (0.25 - 1) / 2, 0.75 / 2, 0], { atol: 1e-12 });
  });
  it('has a zero-sum gradient per row', () => {
    const z = new Random(2).fillNormal(new Float64Array(12));
    const dz = new Float64Array(12);
    softmaxCrossEntropy(z, [1, 2, 0], 3, 4, dz);
    for (let i = 0; i < 3; i++) expect(dz.subarray(i * 4, i * 4 + 4).reduce((a, b) => a + b, 0)).toBeCloseTo(0, 14);
  });
});

describe('sgdMomentumStep', () => {
  it('follows v ← μv + g + λp, p ← p − ηv', () => {
    const p = Float32Array.of(1, -2);
    const v = Float32Array.of(0.5, 0);
    sgdMomentumStep(p, Float32Array.of(0.25, 1), v, { learningRate: 0.1, momentum: 0.9, weightDecay: 0.01 });
    expectClose(v, [0.9 * 0.5 + 0.25 + 0.01, 1 - 0.02], { rtol: 1e-6 });
    expectClose(p, [1 - 0.1 * v[0]!, -2 - 0.1 * v[1]!], { rtol: 1e-6 });
  });
  it('rejects bad hyper-parameters', () => {
    const a = new Float32Array(2);
    expect(() => sgdMomentumStep(a, a, a, { learningRate: 0 })).toThrow(/learningRate/);
    expect(() => sgdMomentumStep(a, a, a, { learningRate: 1, momentum: 1 })).toThrow(/momentum/);
  });
});

describe('createModel', () => {
  it('initializes softmax at zero and the MLP with seeded He-normal weights', () => {
    const s = createModel({ kind: 'softmax', inputs: 784, classes: 10 });
    expect(s.init(new Random(1)).every((v) => v === 0)).toBe(true);
    const m = createModel({ kind: 'mlp', inputs: 784, hidden: 32, classes: 10 });
    const a = m.init(new Random(1));
    expect(a.length).toBe(784 * 32 + 32 + 32 * 10 + 10);
    expect(a).toEqual(m.init(new Random(1)));
    const w1 = a.subarray(0, 784 * 32);
    const sd = Math.sqrt(w1.reduce((s, v) => s + v * v, 0) / w1.length);
    expect(sd).toBeCloseTo(Math.sqrt(2 / 784), 2);
  });
  it('rejects bad specs', () => {
    expect(() => createModel({ kind: 'rnn' as 'mlp', inputs: 4, classes: 2 })).toThrow(/spec\.kind/);
    expect(() => createModel({ kind: 'mlp', inputs: 4, classes: 2 })).toThrow(/spec\.hidden/);
    expect(() => createModel({ kind: 'softmax', inputs: 4, classes: 1 })).toThrow(/spec\.classes/);
  });
});
