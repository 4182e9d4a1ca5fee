// Moved: this path re-exports the kernel's home until every importer uses it.
export * from '../kernels/coalition-values/contract.js';
export * from '../kernels/coalition-values/reference.js';
