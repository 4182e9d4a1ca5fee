/**
 * Deprecated aliases kept so that code written against earlier releases keeps working. They live at the top of the
 * layers, beside the package root, because each joins two layers that must not know each other (the engine and the
 * game): the engine itself knows nothing of games or federated learning (docs/architecture.md).
 */
import { Engine } from './engine/engine.js';
import { payoffMatrix, type PayoffMatrixOptions, type PayoffMatrixResult } from './game/payoff-matrix.js';
import type { Scenario } from './game/scenario.js';

declare module './engine/engine.js' {
  interface Engine {
    /**
     * @deprecated Use `payoffMatrix(scenario, x, { engine, ...options })` from the game layer: the one form in which
     * domain code runs on an engine.
     */
    payoffMatrix(
      scenario: Scenario | readonly Scenario[],
      x: ArrayLike<number> | readonly ArrayLike<number>[],
      options?: Omit<PayoffMatrixOptions, 'engine'>,
    ): Promise<PayoffMatrixResult>;
  }
}

Engine.prototype.payoffMatrix = function (this: Engine, scenario, x, options = {}) {
  const isObject = typeof options === 'object' && options !== null && !Array.isArray(options);
  return payoffMatrix(scenario, x, isObject ? { ...options, engine: this } : options);
};
