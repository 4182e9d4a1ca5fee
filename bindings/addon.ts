/**
 * The C++ addon's exact surface, mirrored 1:1 by hand (duckdb-node-neo's pattern), and its loader.
 * Each export here has its twin in native/exports/ with this signature in a comment.
 * No policy lives here: validation and error wording belong to src/.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bindingsError, configuredErrorClass, setBindingsErrorClass, type BindingsErrorClass } from './error-class.js';

export type { BindingsErrorClass, BindingsErrorCode } from './error-class.js';

/** Opaque, type-tagged handle of a native aligned allocation (checked on the way back into C++). */
export interface NativeBufferHandle {
  readonly __nativeBuffer: unique symbol;
}

/** Opaque, type-tagged handle of a native memory-mapped file range (checked on the way back into C++). */
export interface MappedFileHandle {
  readonly __mappedFile: unique symbol;
}

export interface AddonBuildInfo {
  /** addon version (matches package.json) */
  version: string;
  compiler: string;
  buildType: string;
  /** instruction sets the binary was compiled for / detected at run time, e.g. ["avx2", "avx512f"] */
  simd: string[];
  /** threads in the addon's pool */
  threads: number;
  /** byte alignment of every native allocation */
  alignment: number;
  /** which SGEMM the addon runs (native/kernels/gemm_sgemm.h) */
  gemm: AddonGemmInfo;
  /** the variant each memory-bound kernel runs on this CPU: "avx512", "avx2", "f16c" or "scalar" */
  kernels: AddonKernelVariants;
}

export interface AddonKernelVariants {
  /** FedAvg (and multi-Krum's weighted sum): "avx2" (also on AVX-512 CPUs) or "scalar" */
  fedAvg: string;
  /** coordinate median, trimmed mean and the Gram matrix of Krum: "avx2" (also on AVX-512 CPUs) or "scalar" */
  robustRules: string;
  /** FedAvgM / FedAdam / FedYogi step: "avx2" (also on AVX-512 CPUs) or "scalar" */
  serverOptimizer: string;
  /** widening per source dtype: "f16c", "avx2" or "scalar" */
  widenF16: string;
  widenBF16: string;
  widenF64: string;
  /** the bandwidth probes: "avx512", "avx2" or "scalar" */
  readSum: string;
  triad: string;
}

export interface AddonGemmInfo {
  /** what GEMMs run now: the linked BLAS, or the own packed kernel */
  implementation: 'blas' | 'own';
  /** one line naming it: OpenBLAS's `openblas_get_config()`, or e.g. "own, avx2 micro-kernel" */
  description: string;
  /** the own kernel's micro-kernel on this CPU: "avx2" or "scalar" */
  own: string;
  /** the BLAS the build linked (OpenBLAS: its configuration and the core it chose for this CPU), null without one */
  blas: { name: 'OpenBLAS'; config: string; core: string } | null;
}

export interface CocogenAddon {
  /** Called by the loader with the configured class (configureBindings): native errors are `new ctor(code, message)`. */
  setErrorClass(ctor: BindingsErrorClass): void;
  buildInfo(): AddonBuildInfo;
  /** Resize the thread pool (≥ 1). */
  setThreads(n: number): void;
  /** What SGEMM runs for the whole process from the next call on; 'blas' needs a build that linked one. */
  setGemm(implementation: 'own' | 'blas'): void;
  /** Runs `fn` with file descriptor 2 written into a temporary file; returns its result and what was written. */
  captureStderr(fn: () => unknown): { result: unknown; text: string };

  /** Allocate `length` float32 (zero-filled), 64-byte aligned, owned by native code; reported to V8. */
  allocFloat32(length: number): NativeBufferHandle;
  /** Zero-copy view over the allocation. Every view is detached (length 0) once the buffer is freed. */
  viewFloat32(handle: NativeBufferHandle): Float32Array;
  /** Free now (idempotent). A GC finalizer frees it otherwise. */
  freeBuffer(handle: NativeBufferHandle): void;
  /** Bytes currently allocated by the addon (for leak tests). */
  allocatedBytes(): number;

  /**
   * out[i] = Σ_k weights[k]·updates[k][i], float64 accumulation, multithreaded, off the main thread.
   * weights.length === updates.length; every update and out have the same length. Keeps its arguments alive
   * until it settles. Resolves to whether out now holds a NaN or ±Infinity (tested as each value is stored).
   */
  fedAvg(updates: Float32Array[], weights: Float64Array, out: Float32Array): Promise<boolean>;
  /** STREAM triad a[i] = b[i] + scalar·c[i], multithreaded, off the main thread: the bandwidth probe. */
  triad(a: Float32Array, b: Float32Array, c: Float32Array, scalar: number): Promise<void>;
  /**
   * Σ x[i], multithreaded, off the main thread: the read-bandwidth probe (FedAvg only reads its updates). Exact for
   * small integers; otherwise float32 partial sums, added in float64 in the order the threads finish.
   */
  readSum(x: Float32Array): Promise<number>;

  /**
   * Robust rules (native/kernels/robust_rules.h; contracts in src/engine/kernels/robust-rules/contract.ts), multithreaded,
   * off the main thread: coordinate-wise median / trimmed mean of the updates (f32(scale·u) when scales is given) into
   * out. Resolve to 1 when an input was NaN or ±Infinity, else 0. out shares no memory with an update.
   */
  coordinateMedian(updates: Float32Array[], scales: Float32Array | null, out: Float32Array): Promise<number>;
  trimmedMean(
    updates: Float32Array[],
    trimCount: number,
    scales: Float32Array | null,
    out: Float32Array,
  ): Promise<number>;
  /** out[k] = ‖updates[k]‖² in float64. */
  squaredNorms(updates: Float32Array[], out: Float64Array): Promise<void>;
  /** out (K×K) = the Gram matrix of the updates, float32 SGEMM per column block, float64 across blocks. */
  gram(updates: Float32Array[], out: Float64Array): Promise<void>;

  /**
   * mmap bytes [offset, offset + length) of a file (MAP_SHARED; read-only unless writable). Throws NATIVE_ERROR with
   * the OS's reason when the file cannot be opened or the range lies outside it.
   */
  mapFile(path: string, offset: number, length: number, writable: boolean): MappedFileHandle;
  /** Zero-copy ArrayBuffer over the mapped range (detached, length 0, once the file is unmapped). */
  mappedBuffer(handle: MappedFileHandle): ArrayBuffer;
  /** msync(MS_SYNC) of a mapping. */
  syncMappedFile(handle: MappedFileHandle): void;
  /** munmap now (idempotent); a GC finalizer unmaps otherwise. No async work may run over the mapping meanwhile. */
  unmapFile(handle: MappedFileHandle): void;
  /** Bytes currently mapped by the addon (for leak tests). */
  mappedBytes(): number;
  /**
   * dst[i] = element i of src as float32 (native/kernels/widen.h): dtype 0 binary16 and 1 bfloat16, exact; 2 float64,
   * rounded to nearest even as Math.fround. src holds little-endian elements at any byte offset, exactly dst.length of
   * them (2, 2 or 8 bytes each); src and dst share no memory. Synchronous (F16C / AVX2, split over the pool when
   * large).
   */
  widenToFloat32(src: Uint8Array, dtype: 0 | 1 | 2, dst: Float32Array): void;
  /**
   * One fused server-optimizer step in place (Reddi et al. 2021; native/kernels/optimizer.h), float32, multithreaded,
   * off the main thread. kind 0 FedAvgM (v ignored), 1 FedAdam, 2 FedYogi. Arrays of one length, sharing no memory.
   */
  serverOptimizerStep(
    kind: 0 | 1 | 2,
    x: Float32Array,
    delta: Float32Array,
    m: Float32Array,
    v: Float32Array | null,
    beta1: number,
    beta2: number,
    eta: number,
    tau: number,
  ): Promise<void>;

  /**
   * The payoff-matrix kernel (contract: src/engine/kernels/payoff-matrix/contract.ts), float64, multithreaded, off the
   * main thread. rows: 8 values (d, x, X, k, w, m, c, 0) per row, rowsPerItem rows per item; scenarios: 8 values
   * (D, Q, A, β, η, 0, 0, 0) per item; grid: S fractions. Writes gains (rows × S, skipped when null), bestIndex and
   * bestGain (one per row), and with `current` (one level per row) the levels current + gain (rows × S, skipped when
   * null). Outputs must not share memory with inputs or each other.
   */
  payoffMatrix(
    rows: Float64Array,
    scenarios: Float64Array,
    grid: Float64Array,
    rowsPerItem: number,
    gains: Float64Array | null,
    bestIndex: Int32Array,
    bestGain: Float64Array,
    current?: Float64Array | null,
    levels?: Float64Array | null,
  ): Promise<void>;
  /**
   * out[(b·K + v)·n + i] = Σ_j matrix_b[i·n + j]·vectors[(b·K + v)·n + j], float64, multithreaded, off the main
   * thread. matrix: batch·n·n values, or n·n shared by the batch; K = vectors.length / (batch·n).
   */
  denseRowSums(matrix: Float64Array, vectors: Float64Array, n: number, batch: number, out: Float64Array): Promise<void>;
  /**
   * SGEMM c ← alpha·op(a)·op(b) + beta·c, row-major (op(a) m×k, op(b) k×n, c m×n), float32 with FMA, tiled and
   * packed, multithreaded, off the main thread. beta = 0 never reads c. c must not share memory with a or b.
   */
  gemm(
    m: number,
    n: number,
    k: number,
    a: Float32Array,
    b: Float32Array,
    c: Float32Array,
    transA: boolean,
    transB: boolean,
    alpha: number,
    beta: number,
  ): Promise<void>;
  /** y = x·w + bias (x batch×inputs, w inputs×outputs), then ReLU (NaN → 0) when relu; float32. */
  denseForward(
    x: Float32Array,
    w: Float32Array,
    bias: Float32Array,
    batch: number,
    inputs: number,
    outputs: number,
    relu: boolean,
    y: Float32Array,
  ): Promise<void>;
  /** dw = xᵀ·dy, db = column sums of dy (float64 sums), dx = dy·wᵀ (zeroed where x ≤ 0 when reluMask) unless null. */
  denseBackward(
    x: Float32Array,
    w: Float32Array,
    dy: Float32Array,
    batch: number,
    inputs: number,
    outputs: number,
    reluMask: boolean,
    dw: Float32Array,
    db: Float32Array,
    dx: Float32Array | null,
  ): Promise<void>;
  /**
   * 2-D convolution, NCHW (native/kernels/conv2d.h), im2col onto the float32 SGEMM: y = conv(x, w) + bias, then ReLU
   * (NaN → 0) when relu. sizes = [batch, channels, height, width, outChannels, kernelHeight, kernelWidth, stride,
   * padding]; padding < the kernel's smaller side.
   */
  conv2dForward(
    sizes: Int32Array,
    x: Float32Array,
    w: Float32Array,
    bias: Float32Array,
    relu: boolean,
    y: Float32Array,
  ): Promise<void>;
  /**
   * Its backward given dy: g = y > 0 ? dy : 0 when y (the fused ReLU's output) is given, else dy; dw = Σ g ⋆ x
   * (float32 per block of samples, float64 across), db = Σ g (float64), dx = the transposed convolution unless null.
   */
  conv2dBackward(
    sizes: Int32Array,
    x: Float32Array,
    w: Float32Array,
    dy: Float32Array,
    y: Float32Array | null,
    dw: Float32Array,
    db: Float32Array,
    dx: Float32Array | null,
  ): Promise<void>;
  /**
   * Max pooling with the argmax (position in the plane; first maximum in row-major order, the first NaN wins).
   * sizes = [planes, height, width, kernel, stride].
   */
  maxPoolForward(sizes: Int32Array, x: Float32Array, y: Float32Array, indices: Int32Array): Promise<void>;
  /** dx[plane, indices[i]] += dy[i] (float64 sums); every index must lie inside its window. */
  maxPoolBackward(sizes: Int32Array, dy: Float32Array, indices: Int32Array, dx: Float32Array): Promise<void>;
  /** Mean stable softmax cross-entropy (float64 inside); writes dLogits = (softmax − onehot)/batch. */
  softmaxCrossEntropy(
    logits: Float32Array,
    labels: Int32Array,
    batch: number,
    classes: number,
    dLogits: Float32Array,
  ): Promise<number>;
  /** In place: g = grad + weightDecay·params; velocity ← momentum·velocity + g; params ← params − lr·velocity. */
  sgdMomentum(
    params: Float32Array,
    grad: Float32Array,
    velocity: Float32Array,
    learningRate: number,
    momentum: number,
    weightDecay: number,
  ): Promise<void>;
  /**
   * Minibatch SGD steps of a dense network (widths dims; ReLU between layers; softmax cross-entropy) over the
   * sample indices in order, epochRows per epoch, in one call: the kernels above in sequence. Updates params and
   * velocity in place; losses receives one mean loss per step.
   */
  denseTrainSteps(
    dims: Int32Array,
    params: Float32Array,
    velocity: Float32Array,
    x: Float32Array,
    labels: Int32Array,
    order: Int32Array,
    epochRows: number,
    batchSize: number,
    learningRate: number,
    momentum: number,
    weightDecay: number,
    losses: Float64Array,
  ): Promise<void>;
  /**
   * The fused CNN training loop (native/kernels/cnn.h; contract: src/engine/kernels/cnn/contract.ts).
   * network: [side, kernel, padding, pool, classes, channels of each conv layer...]. Updates params and velocity in
   * place; losses receives one mean loss per step.
   */
  cnnTrainSteps(
    network: Int32Array,
    params: Float32Array,
    velocity: Float32Array,
    x: Float32Array,
    labels: Int32Array,
    order: Int32Array,
    epochRows: number,
    batchSize: number,
    learningRate: number,
    momentum: number,
    weightDecay: number,
    losses: Float64Array,
  ): Promise<void>;
  /** The logits (samples × classes) of the images x through the same network (native/kernels/cnn.h), written in place. */
  cnnLogits(network: Int32Array, params: Float32Array, x: Float32Array, logits: Float32Array): Promise<void>;
  /**
   * The coalition-value kernel (contract: src/engine/kernels/coalition-values/contract.ts), float64, multithreaded, off the
   * main thread. members: 6 values (d, s, X, e, μ, k0) per member, n ≤ 30; pairWeights: n × n (W_ij, diagonal
   * ignored); curve: (base, A, β, η). With masks: out[k] = v(masks[k]), each solved from scratch; with masks null:
   * out[k] = v(first + k), walked in Gray-code blocks with warm starts. NaN where the coalition's objective is not
   * concave. stats receives (solves, passes, notConverged, nonConcave, worstKkt).
   */
  coalitionValues(
    members: Float64Array,
    pairWeights: Float64Array,
    curve: Float64Array,
    tolerance: number,
    masks: Uint32Array | null,
    first: number,
    out: Float64Array,
    stats: Float64Array,
  ): Promise<void>;
  /**
   * Label histograms (native/kernels/data_kernels.h; contract in src/engine/kernels/label-histograms/contract.ts),
   * multithreaded (per-thread private histograms, merged), off the main thread. Group of label i: owners[i], or the CSR
   * group of offsets (groups + 1 boundaries, non-decreasing from 0 to labels.length), or 0 when both are null. out
   * (groups × classes) receives the counts; bad (2) the first index of a label ≥ classes and of an owner ≥ groups (−1:
   * none).
   */
  labelHistograms(
    labels: Uint8Array | Uint16Array | Uint32Array | Int32Array,
    owners: Uint8Array | Uint16Array | Uint32Array | Int32Array | null,
    offsets: Uint32Array | null,
    groups: number,
    classes: number,
    out: Uint32Array,
    bad: Float64Array,
  ): Promise<void>;
  /**
   * L1 distances (contract in src/engine/kernels/l1-distances/contract.ts), float64, multithreaded, off the main thread:
   * out[n] = Σ_c |counts[n·C + c]·(1/T_n) − target[c]|, C = target.length, T_n = totals[n] or the row sum, NaN when
   * T_n = 0. bad (1) receives the first index of a negative or non-finite count (−1: none).
   */
  l1Distances(
    counts: Float64Array | Uint32Array,
    target: Float64Array,
    totals: Float64Array | null,
    out: Float64Array,
    bad: Float64Array,
  ): Promise<void>;
}

export type AddonLoad = { ok: true; addon: CocogenAddon; path: string } | { ok: false; reason: string };

export interface BindingsOptions {
  /** The project's error class: thrown by the addon, by requireAddon() and by bindings/dawn.ts. */
  ErrorClass: BindingsErrorClass;
}

let cached: AddonLoad | undefined;

/**
 * Hands bindings/ the project's error class (better-sqlite3's pattern: src/ calls this once, as it loads). May come
 * before or after the addon loads: a loaded addon is handed the class at once, a later load as it loads. Until then
 * errors are plain Errors named and coded as the class would name and code them.
 */
export function configureBindings(options: BindingsOptions): void {
  setBindingsErrorClass(options.ErrorClass);
  if (cached?.ok) cached.addon.setErrorClass(options.ErrorClass);
}

function packageRoot(): string {
  // Works from bindings/ (sources under vitest) and from dist/bindings/ (compiled).
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'CMakeLists.txt'))) return dir;
    dir = dirname(dir);
  }
  return dirname(dirname(fileURLToPath(import.meta.url)));
}

/**
 * Load the addon once. Tries every place cmake-js may have put it (sharp's pattern) and, on failure, says
 * what was tried and how to fix it, instead of throwing: callers decide whether a missing addon is fatal.
 */
export function loadAddon(): AddonLoad {
  if (cached) return cached;
  const root = packageRoot();
  const candidates = [
    process.env.COCOGEN_ADDON_PATH,
    join(root, 'build', 'Release', 'cocogen.node'),
    join(root, 'build', 'Debug', 'cocogen.node'),
    join(root, 'build', 'cocogen.node'),
  ].filter((p): p is string => !!p);
  const require = createRequire(import.meta.url);
  const tried: string[] = [];
  for (const path of candidates) {
    if (!existsSync(path)) {
      tried.push(`${path} (missing)`);
      continue;
    }
    try {
      const addon = require(path) as CocogenAddon;
      const ErrorClass = configuredErrorClass();
      if (ErrorClass) addon.setErrorClass(ErrorClass);
      cached = { ok: true, addon, path };
      return cached;
    } catch (e) {
      tried.push(`${path} (${(e as Error).message})`);
    }
  }
  cached = {
    ok: false,
    reason: `the native addon is not built; tried ${tried.join(', ')}. Run \`npm run build:native\` (needs cmake and a C++17 compiler).`,
  };
  return cached;
}

/** The addon, or a BACKEND_UNAVAILABLE error (of the configured class) saying what was tried. */
export function requireAddon(): CocogenAddon {
  const load = loadAddon();
  if (!load.ok) throw bindingsError('BACKEND_UNAVAILABLE', load.reason);
  return load.addon;
}
