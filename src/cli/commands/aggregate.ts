import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkCreatableDirectory } from '../../util/directories.js';
import { createEngine } from '../../engine/engine.js';
import { aggregateFiles, DEFAULT_BLOCK_ELEMENTS } from '../../interop/out-of-core.js';
import { AGGREGATION_RULES } from '../../engine/validate-aggregate.js';
import { CocogenError, invalidArgument, invalidArgumentText } from '../../core/errors.js';
import { checkOutputIsNoInput } from '../../interop/file-bytes.js';
import { isBadTensorInput } from '../../interop/tensor-file-error.js';
import { tensorFileFormat } from '../../interop/tensor-file.js';
import { backendFlag, finiteNumberFlag, integerFlag, weightsFlag } from '../flags.js';
import { counted, formatBytes, formatNumber, formatSeconds, type Io } from '../output.js';

export const AGGREGATE_HELP = `cocogen aggregate --rule R [--weights w1,w2,…] [--trim t] [--f F --m M] [--clip C] [--block N]
                  [--read pread|map] [--backend B] IN... --out OUT [--json]
  Aggregates the model updates IN... (safetensors or .npy files; tensors matched by name, a .npy file's one
  array is named "array") into OUT (.safetensors or .npy) with the rule R (${AGGREGATION_RULES.join(', ')}).
  --weights gives one non-negative weight per input (fedavg, multi-krum; default equal). --trim (trimmed-mean),
  --f (krum, multi-krum), --m (multi-krum) and --clip (any rule) are passed to the rule. Each input is one whole
  update: --clip uses the norm of all its tensors, and Krum the distances between whole updates (a first pass
  over the inputs computes them). F16/BF16 inputs are widened and F64 narrowed to float32; the inputs are
  streamed by column blocks (--block N elements per input, default ${DEFAULT_BLOCK_ELEMENTS}), so they may exceed
  memory, read with pread (--read pread, the default: an input that changes while it is read is an IO_ERROR naming
  it) or memory-mapped (--read map: zero-copy, faster from the page cache, for inputs nothing changes meanwhile).
  OUT is written to a temporary file and renamed: a failure, SIGINT or SIGTERM never leaves a partial file.
  --backend auto|webgpu|native|js picks the engine (default auto).
  --json prints { rule, inputs, out, backend, tensors, parameters, bytes, seconds, gbPerSecond, peakRssBytes },
  with selected and scores (krum, multi-krum: input indices, best first) and scales (--clip).`;

/** The library's option names for the flags that set them. */
const OPTION_FLAGS: Record<string, string> = {
  weights: '--weights',
  trim: '--trim',
  f: '--f',
  m: '--m',
  clip: '--clip',
  blockElements: '--block',
  read: '--read',
};

/**
 * A rule the library checks on an option (`options.weights[1]`, `options.f` against the number of inputs), restated
 * for the flag the user typed (`--weights` value 2, `--f`); any other error as it is.
 */
function asFlagError(e: unknown): unknown {
  if (!(e instanceof CocogenError) || e.code !== 'INVALID_ARGUMENT' || !e.details) return e;
  const m = /^options\.(\w+)(?:\[(\d+)\])?$/.exec(String(e.details.argument));
  const flag = m ? OPTION_FLAGS[m[1]!] : undefined;
  if (!m || !flag || e.details.expected === undefined) return e;
  const name = m[2] === undefined ? flag : `${flag} value ${Number(m[2]) + 1}`;
  return invalidArgumentText(name, String(e.details.expected), String(e.details.received));
}

export async function aggregateCommand(io: Io, values: Record<string, unknown>, inputs: string[]): Promise<number> {
  const json = Boolean(values.json);
  const rule = values.rule;
  if (rule === undefined) throw invalidArgumentText('--rule', `one of ${AGGREGATION_RULES.join(', ')}`, 'none');
  if (!(AGGREGATION_RULES as readonly unknown[]).includes(rule)) {
    throw invalidArgument('--rule', `one of ${AGGREGATION_RULES.join(', ')}`, rule);
  }
  if (inputs.length === 0) throw invalidArgumentText('IN', 'one or more update files', 'none');
  const out = values.out;
  if (typeof out !== 'string' || out === '') throw invalidArgumentText('--out', 'an output file', 'none');
  tensorFileFormat(out);
  for (const path of inputs) tensorFileFormat(path);
  checkOutputIsNoInput(out, inputs, '--out');
  checkCreatableDirectory(dirname(resolve(out)));
  const weights = weightsFlag(values.weights);
  if (weights !== undefined && weights.length !== inputs.length) {
    throw invalidArgumentText('--weights', `one weight per input (${inputs.length})`, `${weights.length}`);
  }
  const backend = backendFlag(values.backend, 'auto', 'described');
  const blockElements = integerFlag(values.block, '--block', 1, 2 ** 32 - 1, DEFAULT_BLOCK_ELEMENTS);
  const read = values.read ?? 'pread';
  if (read !== 'pread' && read !== 'map') throw invalidArgument('--read', 'pread or map', read);
  const options: Record<string, unknown> = { rule, blockElements, read };
  if (weights !== undefined) options.weights = weights;
  for (const [flag, key] of [
    ['trim', 'trim'],
    ['f', 'f'],
    ['m', 'm'],
    ['clip', 'clip'],
  ] as const) {
    const v = finiteNumberFlag(values[flag], `--${flag}`);
    if (v !== undefined) options[key] = v;
  }

  const engine = await createEngine({ backend });
  let stats;
  try {
    stats = await aggregateFiles(engine, inputs, out, options as Parameters<typeof aggregateFiles>[3]);
  } catch (e) {
    // A missing, corrupt or unsupported input, or inputs that disagree, is bad input (exit 2), not a failure.
    if (isBadTensorInput(e)) throw new CocogenError('INVALID_ARGUMENT', e.message, e.details);
    throw asFlagError(e);
  } finally {
    engine.dispose();
  }
  if (!existsSync(out)) throw new CocogenError('IO_ERROR', `The output ${out} was not written`, { path: out });
  if (json) {
    io.out(JSON.stringify({ rule, inputs, out, backend: engine.backend, ...stats }));
  } else {
    io.out(
      `${rule} of ${counted(inputs.length, 'update')} → ${out}: ${counted(stats.tensors, 'tensor')}, ${formatNumber(stats.parameters)} parameters, ` +
        `${formatBytes(stats.bytes)} moved in ${formatSeconds(stats.seconds)} s (${formatNumber(stats.gbPerSecond, 3)} GB/s), ` +
        `peak RSS ${formatBytes(stats.peakRssBytes)} [${engine.backend}]`,
    );
    if (stats.selected) {
      io.out(`selected: ${stats.selected.map((i) => inputs[i]).join(', ')} (Krum scores, best first)`);
    }
    if (stats.scales?.some((s) => s < 1)) {
      const clipped = stats.scales.flatMap((s, i) => (s < 1 ? [`${inputs[i]} ×${formatNumber(s, 4)}`] : []));
      io.out(`clipped: ${clipped.join(', ')}`);
    }
  }
  return 0;
}
