/**
 * The federated-learning layer (DESIGN §5): Fashion-MNIST and MNIST in IDX format, non-IID partitions, the generator
 * ("GenAI"), reference models and the local-training / FedAvg loop.
 */
export * from './idx.js';
export * from './datasets.js';
export * from './fashion-mnist.js';
export * from './partition.js';
export * from './federation.js';
export * from './samples.js';
export * from '../numeric/linalg.js';
export * from './models.js';
export * from './generator.js';
export * from './train.js';
export * from './calibration.js';
export * from './simulation-data.js';
export * from './strategies.js';
export * from './simulation.js';
export * from './online-curve.js';
