import os from 'node:os';
import { loadAddon, type AddonBuildInfo } from '../core/addon.js';
import { dawnLog, probeGpu } from '../../bindings/dawn.js';
import { VERSION } from '../core/version.js';

export type Availability<T> = ({ available: true } & T) | { available: false; reason: string };

export interface SystemInfo {
  version: string;
  node: string;
  platform: string;
  cpu: { model: string; cores: number; memoryBytes: number };
  backends: {
    js: Availability<Record<never, never>>;
    native: Availability<{ path: string; build: AddonBuildInfo }>;
    webgpu: Availability<{
      adapter: {
        vendor: string;
        architecture: string;
        device: string;
        description: string;
        isFallbackAdapter: boolean;
      };
      limits: Record<string, number>;
      /** what Dawn printed while the adapter was requested (kept off the terminal; COCOGEN_VERBOSE=1 prints it) */
      messages: string[];
    }>;
  };
  /** What `createEngine({ backend: 'auto' })` would pick here. */
  auto: 'webgpu' | 'native' | 'js';
}

/** What this machine offers each backend, and why a backend is unavailable (`cocogen info`). */
export async function systemInfo(): Promise<SystemInfo> {
  const addon = loadAddon();
  const gpu = await probeGpu();
  const native: SystemInfo['backends']['native'] = addon.ok
    ? { available: true, path: addon.path, build: addon.addon.buildInfo() }
    : { available: false, reason: addon.reason };
  const webgpu: SystemInfo['backends']['webgpu'] = gpu.available
    ? { available: true, adapter: gpu.adapter, limits: { ...gpu.limits }, messages: [...dawnLog()] }
    : { available: false, reason: gpu.reason };
  const auto = gpu.available && !gpu.adapter.isFallbackAdapter ? 'webgpu' : addon.ok ? 'native' : 'js';
  return {
    version: VERSION,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: { model: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, memoryBytes: os.totalmem() },
    backends: { js: { available: true }, native, webgpu },
    auto,
  };
}
