/** Moved to kernels/server-optimizer/webgpu.ts; this re-export keeps the old path compiling until the merge. */
export * from '../kernels/server-optimizer/webgpu.js';
