// Moved: this path re-exports the kernel's home until every importer uses it.
export * from '../kernels/gemm/contract.js';
export * from '../kernels/gemm/reference.js';
