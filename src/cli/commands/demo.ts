import { createEngine, BACKEND_CHOICES, type BackendChoice } from '../../engine/engine.js';
import { systemInfo } from '../../engine/system-info.js';
import { fedAvgReference } from '../../engine/reference/fed-avg.js';
import type { BackendName } from '../../engine/backend.js';
import { Random } from '../../util/random.js';
import { invalidArgument } from '../../errors.js';
import { formatNumber, table, type Io } from '../output.js';

export const DEMO_HELP = `cocogen demo [--backend auto|webgpu|native|js] [--seed S] [--json]
  A server round of federated averaging on the embedded defaults: 10 organizations (Dirichlet-sized,
  seeded) send updates of an MLP 784-256-10 (203,530 parameters); every available backend aggregates
  them, each result is checked against the float64 JS reference, and the timings are printed.`;

/** The embedded defaults: an MLP 784-256-10 as in DESIGN §5.4, ten organizations. */
const MODEL_PARAMETERS = 784 * 256 + 256 + 256 * 10 + 10;
const ORGANIZATIONS = 10;

interface DemoRow {
  backend: BackendName;
  milliseconds: number;
  gbPerSecond: number;
  maxRelativeError: number;
}

export async function demoCommand(io: Io, values: Record<string, unknown>): Promise<number> {
  const json = Boolean(values.json);
  const requested = (values.backend as string | undefined) ?? undefined;
  if (requested !== undefined && !BACKEND_CHOICES.includes(requested as BackendChoice)) {
    throw invalidArgument('--backend', `one of ${BACKEND_CHOICES.join(', ')}`, requested);
  }
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw invalidArgument('--seed', 'a non-negative integer', values.seed);

  // Organizations hold different amounts of data (their FedAvg weights) and send noisy updates around a
  // common direction, as clients of one model do.
  const rng = new Random(seed);
  const samples = Array.from({ length: ORGANIZATIONS }, () => Math.round(200 + 5800 * rng.next() ** 2));
  const common = rng.fillNormal(new Float32Array(MODEL_PARAMETERS), 0, 0.01);
  const updates = samples.map(() => {
    const u = rng.fillNormal(new Float32Array(MODEL_PARAMETERS), 0, 0.005);
    for (let i = 0; i < u.length; i++) u[i]! += common[i]!;
    return u;
  });
  const total = samples.reduce((a, b) => a + b, 0);
  const reference = fedAvgReference(updates, samples.map((s) => s / total), new Float32Array(MODEL_PARAMETERS));

  const info = await systemInfo();
  const backends: BackendName[] =
    requested && requested !== 'auto'
      ? [requested as BackendName]
      : (['js', 'native', 'webgpu'] as const).filter((b) => info.backends[b].available);
  const rows: DemoRow[] = [];
  for (const name of backends) {
    const engine = await createEngine({ backend: name });
    try {
      await engine.aggregate(updates, { rule: 'fedavg', weights: samples }); // warm-up: pipelines, pages
      const t0 = performance.now();
      const result = await engine.aggregate(updates, { rule: 'fedavg', weights: samples });
      const ms = performance.now() - t0;
      let maxRel = 0;
      for (let i = 0; i < result.length; i++) {
        const e = Math.abs(result[i]! - reference[i]!) / Math.max(Math.abs(reference[i]!), 1e-30);
        if (e > maxRel) maxRel = e;
      }
      rows.push({ backend: name, milliseconds: ms, gbPerSecond: ((ORGANIZATIONS + 1) * MODEL_PARAMETERS * 4) / (ms * 1e6), maxRelativeError: maxRel });
    } finally {
      engine.dispose();
    }
  }

  const auto = info.auto;
  const result = {
    what: 'one FedAvg server round',
    model: { architecture: 'mlp 784-256-10', parameters: MODEL_PARAMETERS },
    organizations: samples.map((s, i) => ({ id: `org-${i}`, samples: s, weight: s / total })),
    seed,
    autoBackend: auto,
    adapter: info.backends.webgpu.available ? info.backends.webgpu.adapter.description || info.backends.webgpu.adapter.device : null,
    backends: rows,
  };
  if (json) {
    io.out(JSON.stringify(result, null, 2));
    return 0;
  }
  io.out(`FedAvg server round: ${ORGANIZATIONS} organizations, MLP 784-256-10 (${MODEL_PARAMETERS.toLocaleString('en-US')} parameters), seed ${seed}`);
  io.out(`Samples per organization: ${samples.join(', ')} (weights = samples / ${total})`);
  io.out('');
  io.out(
    table(
      ['backend', 'time (ms)', 'GB/s', 'max rel. error vs float64'],
      rows.map((r) => [r.backend, r.milliseconds, r.gbPerSecond, formatNumber(r.maxRelativeError)]),
    ),
  );
  io.out('');
  io.out(`--backend auto would pick ${auto}. GB/s counts the ${ORGANIZATIONS} updates read and the result written.`);
  return 0;
}
