// Moved: this path re-exports the kernel's home until every importer uses it.
export * from '../kernels/fed-avg/reference.js';
