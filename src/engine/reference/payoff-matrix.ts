// Moved: this path re-exports the kernel's home until every importer uses it.
export * from '../kernels/payoff-matrix/contract.js';
export * from '../kernels/payoff-matrix/reference.js';
