// Moved: this path re-exports the kernel's home until every importer uses it.
export * from '../kernels/robust-rules/reference.js';
export * from '../kernels/squared-norms/reference.js';
export * from '../kernels/gram/reference.js';
