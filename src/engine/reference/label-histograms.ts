// Moved: this path re-exports the kernel's home until every importer uses it.
export * from '../kernels/label-histograms/contract.js';
export * from '../kernels/label-histograms/reference.js';
