/**
 * Dawn bootstrap: the one WebGPU instance of this process (npm `webgpu`, Dawn's node bindings), created lazily on
 * first use, an adapter probe for `cocogen info` / backend 'auto', and device creation with the adapter's largest
 * buffer limits. No policy lives here: which backend to pick, and what to do when there is no GPU, belong to src/.
 */
import { mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAddon } from './addon.js';
import { bindingsError } from './error-class.js';

/** GPUBufferUsage flags (WebGPU spec values), so that callers need not install Dawn's globals on globalThis. */
export const GPU_BUFFER_USAGE = {
  MAP_READ: 0x0001,
  MAP_WRITE: 0x0002,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
} as const;

/** GPUMapMode flags (WebGPU spec values). */
export const GPU_MAP_MODE = { READ: 0x0001, WRITE: 0x0002 } as const;

export interface GpuAdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for software / CPU adapters (e.g. Mesa lavapipe's llvmpipe): backend 'auto' does not pick those. */
  isFallbackAdapter: boolean;
}

export interface GpuLimitsSummary {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  maxComputeWorkgroupsPerDimension: number;
  maxComputeInvocationsPerWorkgroup: number;
  maxComputeWorkgroupSizeX: number;
  maxUniformBufferBindingSize: number;
  [name: string]: number;
}

export type GpuProbe =
  { available: true; adapter: GpuAdapterSummary; limits: GpuLimitsSummary } | { available: false; reason: string };

export interface GpuDeviceHandle {
  adapter: GPUAdapter;
  device: GPUDevice;
  summary: GpuAdapterSummary;
  /** The limits the device was created with (the adapter's maxima for buffer sizes). */
  limits: GpuLimitsSummary;
}

type GpuLoad = { ok: true; gpu: GPU } | { ok: false; reason: string };

let loading: Promise<GpuLoad> | undefined;

/**
 * Dawn's Vulkan backend needs XDG_RUNTIME_DIR (an owner-only directory). When it is unset, use a per-user directory
 * under the system temp dir, created 0700, before the Dawn instance exists.
 */
function ensureRuntimeDir(): void {
  if (process.env.XDG_RUNTIME_DIR) return;
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const dir = join(tmpdir(), `cocogen-runtime-${uid}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = statSync(dir);
    if (st.uid === uid && (st.mode & 0o077) === 0) {
      process.env.XDG_RUNTIME_DIR = dir;
      return;
    }
  } catch {
    // fall through to a fresh private directory
  }
  process.env.XDG_RUNTIME_DIR = mkdtempSync(join(tmpdir(), 'cocogen-runtime-'));
}

/** The process's one Dawn instance (module singleton), or why there is none. */
function loadGpu(): Promise<GpuLoad> {
  loading ??= (async (): Promise<GpuLoad> => {
    try {
      ensureRuntimeDir();
      const { create } = await import('webgpu');
      return { ok: true, gpu: create([]) };
    } catch (e) {
      return { ok: false, reason: `Dawn (npm package "webgpu") could not be loaded: ${(e as Error).message}` };
    }
  })();
  return loading;
}

function summarizeAdapter(adapter: GPUAdapter): GpuAdapterSummary {
  const info = adapter.info;
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    isFallbackAdapter: Boolean((info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter),
  };
}

function summarizeLimits(limits: GPUSupportedLimits): GpuLimitsSummary {
  return {
    maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
    maxBufferSize: limits.maxBufferSize,
    maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
    maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
    maxUniformBufferBindingSize: limits.maxUniformBufferBindingSize,
  };
}

/** What Dawn wrote to stderr while adapters were requested (in order), kept off the terminal. */
const dawnMessages: string[] = [];

/**
 * Dawn's messages so far: warnings it prints while an adapter is requested (on lavapipe, that it reduced
 * maxDynamic*BuffersPerPipelineLayout). Kept out of every command's output; `cocogen info` shows them, and with
 * COCOGEN_VERBOSE=1 they go to stderr as Dawn writes them.
 */
export function dawnLog(): readonly string[] {
  return dawnMessages;
}

/** Runs a synchronous Dawn call with its stderr captured into dawnLog() (through the addon; as is without it). */
function quietly<T>(call: () => T): T {
  const addon = process.env.COCOGEN_VERBOSE ? null : loadAddon();
  if (!addon?.ok) return call();
  const { result, text } = addon.addon.captureStderr(call);
  for (const line of text.split('\n')) if (line.trim() !== '') dawnMessages.push(line.trim());
  return result as T;
}

async function requestAdapter(
  powerPreference?: GPUPowerPreference,
): Promise<{ ok: true; adapter: GPUAdapter } | { ok: false; reason: string }> {
  const load = await loadGpu();
  if (!load.ok) return load;
  try {
    // Dawn prints its adapter warnings synchronously inside this call.
    const adapter = await quietly(() => load.gpu.requestAdapter(powerPreference ? { powerPreference } : undefined));
    if (!adapter) {
      return {
        ok: false,
        reason:
          'no WebGPU adapter: Dawn found no usable Vulkan driver. On machines without a GPU install libvulkan1 and ' +
          'mesa-vulkan-drivers ≥ 24 (Debian 12: from bookworm-backports) and set XDG_RUNTIME_DIR',
      };
    }
    return { ok: true, adapter };
  } catch (e) {
    return { ok: false, reason: `requesting a WebGPU adapter failed: ${(e as Error).message}` };
  }
}

let probing: Promise<GpuProbe> | undefined;

/** What WebGPU adapter this process would get, or why there is none. Never throws; the result is cached. */
export function probeGpu(): Promise<GpuProbe> {
  probing ??= (async (): Promise<GpuProbe> => {
    const got = await requestAdapter();
    if (!got.ok) return { available: false, reason: got.reason };
    return { available: true, adapter: summarizeAdapter(got.adapter), limits: summarizeLimits(got.adapter.limits) };
  })();
  return probing;
}

/**
 * A new device on the default (or preferred) adapter, with the adapter's largest storage-binding and buffer sizes.
 * @throws BACKEND_UNAVAILABLE (of the class configureBindings() was given: CocogenError) when there is no adapter or
 * the device cannot be created.
 */
export async function requestGpuDevice(
  options: { powerPreference?: GPUPowerPreference; label?: string } = {},
): Promise<GpuDeviceHandle> {
  const got = await requestAdapter(options.powerPreference);
  if (!got.ok) throw bindingsError('BACKEND_UNAVAILABLE', got.reason);
  const adapter = got.adapter;
  const a = adapter.limits;
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({
      label: options.label ?? 'cocogen',
      requiredLimits: {
        maxStorageBufferBindingSize: a.maxStorageBufferBindingSize,
        maxBufferSize: a.maxBufferSize,
        maxComputeWorkgroupsPerDimension: a.maxComputeWorkgroupsPerDimension,
        maxComputeInvocationsPerWorkgroup: a.maxComputeInvocationsPerWorkgroup,
        maxComputeWorkgroupSizeX: a.maxComputeWorkgroupSizeX,
      },
    });
  } catch (e) {
    throw bindingsError(
      'BACKEND_UNAVAILABLE',
      `the WebGPU adapter refused to create a device: ${(e as Error).message}`,
    );
  }
  return { adapter, device, summary: summarizeAdapter(adapter), limits: summarizeLimits(device.limits) };
}
