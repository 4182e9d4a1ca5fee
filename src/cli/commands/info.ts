import { systemInfo } from '../../engine/system-info.js';
import { formatBytes, table, type Io } from '../output.js';

export const INFO_HELP = `cocogen info [--json]
  What this machine offers each backend (available, or why not), the GPU adapter and its limits,
  the native addon's build, CPU and memory, and what --backend auto picks.`;

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
  io.out('');
  io.out(`--backend auto picks: ${info.auto}`);
  return 0;
}
