// Moved: this path re-exports the kernel's home until every importer uses it.
export * from '../kernels/l1-distances/contract.js';
export * from '../kernels/l1-distances/reference.js';
