import { systemInfo } from '../../engine/system-info.js';
import { formatBytes, table, type Io } from '../output.js';

export const INFO_HELP = `cocogen info [--json]
  What this machine offers each backend (available, or why not), the GPU adapter and its limits,
  the native addon's build and which SGEMM it runs (OpenBLAS's configuration, or the own kernel), CPU and memory,
  what --backend auto picks, and what Dawn reported while the adapter was requested (every other command keeps
  Dawn's messages off the terminal; COCOGEN_VERBOSE=1 prints them).`;

export async function infoCommand(io: Io, flags: { json: boolean }): Promise<number> {
  const info = await systemInfo();
  if (flags.json) {
    io.out(JSON.stringify(info, null, 2));
    return 0;
  }
  const { native, webgpu } = info.backends;
  io.out(`cocogen ${info.version} on Node ${info.node} (${info.platform})`);
  io.out(`CPU: ${info.cpu.model}, ${info.cpu.cores} cores, ${formatBytes(info.cpu.memoryBytes)}`);
  io.out('');
  io.out(
    table(
      ['backend', 'available', 'device / reason'],
      [
        ['js', 'yes', 'plain TypeScript reference'],
        [
          'native',
          native.available ? 'yes' : 'no',
          native.available
            ? `${native.build.compiler}, ${native.build.buildType}, SIMD ${native.build.simd.join('+')}, ${native.build.threads} threads`
            : native.reason,
        ],
        [
          'webgpu',
          webgpu.available ? 'yes' : 'no',
          webgpu.available
            ? `${webgpu.adapter.description || webgpu.adapter.device} (${webgpu.adapter.vendor}${webgpu.adapter.isFallbackAdapter ? ', software' : ''}), max binding ${formatBytes(webgpu.limits.maxStorageBufferBindingSize ?? 0)}`
            : webgpu.reason,
        ],
      ],
    ),
  );
  if (native.available) {
    const { gemm } = native.build;
    io.out('');
    const note = !gemm.blas
      ? 'no BLAS linked; install libopenblas-dev and rebuild for OpenBLAS'
      : gemm.implementation === 'blas'
        ? `core ${gemm.blas.core}, on the addon's threads`
        : `${gemm.blas.config} linked, not selected`;
    io.out(`native GEMM: ${gemm.description} (${note})`);
  }
  io.out('');
  io.out(`--backend auto picks: ${info.auto}`);
  if (webgpu.available && webgpu.messages.length > 0) {
    io.out('');
    io.out('Dawn said, while the adapter was requested (kept out of other commands; COCOGEN_VERBOSE=1 prints it):');
    for (const line of webgpu.messages) io.out(`  ${line}`);
  }
  return 0;
}
