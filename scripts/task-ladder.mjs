#!/usr/bin/env node
/**
 * The task ladder of docs/tasks.md, measured: for each dataset × model, its centralized accuracy (`cocogen train`)
 * and a study (`cocogen study`) of every strategy over a grid of label skew α × competition g, seeds paired. Writes,
 * under --out: <task>/train.json, <task>/study/ (the study's own files), <task>.svg (generation above welfare
 * against α, a panel per g) and ladder.md (the tables docs/tasks.md quotes). Only the CLI and the package's exports
 * are used, so that what the page shows is what a user would get.
 *
 *   npm run build:ts
 *   node scripts/task-ladder.mjs --out DIR [--tasks fashion-mnist/softmax,mnist/cnn,…] [--seeds 1-3]
 *                                [--workers 2] [--epochs 5] [--backend native]
 *
 * A study resumes: run it again with the same --out and only the missing runs run.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { studyFigureSvg } = await import(join(root, 'dist/src/index.js'));

const ALL_TASKS = [
  'fashion-mnist/softmax',
  'fashion-mnist/mlp',
  'fashion-mnist/cnn',
  'mnist/softmax',
  'mnist/mlp',
  'mnist/cnn',
];
/** The grid every task runs: skew from strong to mild, competition weak and strong; everything else simulate's. */
const GRID = { alpha: [0.1, 0.5, 2], competition: [0.1, 0.5] };
const SIMULATE = { orgs: 5, rounds: 3 };
const STRATEGIES = ['vcfl', 'wco', 'radg', 'equilibrium', 'mechanism'];
const TITLES = { 'fashion-mnist': 'Fashion-MNIST', mnist: 'MNIST', softmax: 'softmax', mlp: 'MLP', cnn: 'CNN' };

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    tasks: { type: 'string', default: ALL_TASKS.join(',') },
    seeds: { type: 'string', default: '1-3' },
    workers: { type: 'string', default: '2' },
    epochs: { type: 'string', default: '5' },
    backend: { type: 'string', default: 'native' },
  },
  strict: true,
});
if (!values.out) throw new Error('--out DIR is required');
const tasks = values.tasks.split(',');
for (const t of tasks)
  if (!ALL_TASKS.includes(t)) throw new Error(`--tasks: ${t} is not one of ${ALL_TASKS.join(', ')}`);

/** Run the CLI; its --json output parsed, or the run's error thrown. */
function cocogen(args) {
  const r = spawnSync(process.execPath, [join(root, 'bin/cocogen.js'), ...args, '--json'], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`cocogen ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const pct = (v) => (Number.isFinite(v) ? (100 * v).toFixed(1) : '–');
const hundreds = (v) => (Number.isFinite(v) ? (Math.round(v / 100) * 100).toLocaleString('en-US') : '–');
const signed = (v, digits) => (v >= 0 ? '+' : '−') + Math.abs(v).toFixed(digits);
const interval = (m) =>
  m.low === null ? signed(m.mean, 3) : `${signed(m.mean, 3)} [${signed(m.low, 3)}, ${signed(m.high, 3)}]`;

const sections = [];
const overview = [];
for (const task of tasks) {
  const [dataset, model] = task.split('/');
  const dir = join(values.out, task.replace('/', '-'));
  mkdirSync(dir, { recursive: true });
  const name = `${TITLES[dataset]} × ${TITLES[model]}`;
  process.stderr.write(`${name}: centralized training\n`);
  const train = cocogen([
    'train',
    '--dataset',
    dataset,
    '--model',
    model,
    '--epochs',
    values.epochs,
    '--backend',
    values.backend,
  ]);
  writeFileSync(join(dir, 'train.json'), JSON.stringify(train, null, 1) + '\n');
  const studyFile = join(dir, 'study.json');
  const study = {
    name: `${dataset}-${model}`,
    simulate: { ...SIMULATE, dataset, model, backend: values.backend },
    grid: GRID,
    seeds: values.seeds,
  };
  writeFileSync(studyFile, JSON.stringify(study, null, 1) + '\n');
  process.stderr.write(
    `${name}: study of ${GRID.alpha.length * GRID.competition.length} cells × seeds ${values.seeds}\n`,
  );
  cocogen(['study', studyFile, '--out', join(dir, 'study'), '--workers', values.workers]);
  const result = JSON.parse(readFileSync(join(dir, 'study', 'study.json'), 'utf8'));
  const cells = result.cells.map((c) => ({ params: c.params, summary: c.comparison?.summary ?? null }));
  writeFileSync(
    join(values.out, `${task.replace('/', '-')}.svg`),
    studyFigureSvg({
      title: `${name}: generation and welfare against label skew α`,
      subtitle: `${SIMULATE.orgs} organizations, ${SIMULATE.rounds} rounds, mean over seeds ${result.seeds.join(', ')} with its 95 % interval`,
      axes: result.grid,
      cells,
      metrics: [
        { metric: 'generated', yLabel: 'synthetic samples, last round', yBounds: [0, Infinity] },
        { metric: 'welfare', yLabel: 'welfare Σ U_n, mean over rounds' },
      ],
    }),
  );

  const last = train.epochs[train.epochs.length - 1];
  const rows = result.cells.map((c) => {
    const s = c.comparison.summary;
    // The baseline that decides the verdict: below, one the mechanism is significantly under; best, its weakest
    // win; tied, the strongest rival (the highest welfare of the baselines).
    const cmp = c.comparison.comparisons;
    const end = { below: 'high', best: 'low' }[c.comparison.verdict.mechanism] ?? 'mean';
    const at = (b) => cmp[b].welfare[end] ?? cmp[b].welfare.mean;
    const best = Object.keys(cmp).reduce((a, b) => (at(b) < at(a) ? b : a));
    return [
      c.params.alpha,
      c.params.competition,
      ...STRATEGIES.map((k) => pct(s[k].accuracy.mean)),
      `${hundreds(s.equilibrium.generated.mean)} / ${hundreds(s.mechanism.generated.mean)}`,
      `${s[best].label.split(' ')[0]}: ${interval(c.comparison.comparisons[best].welfare)}`,
      c.comparison.verdict.mechanism,
    ];
  });
  const verdicts = result.cells.map((c) => c.comparison.verdict.mechanism);
  const count = (v) => verdicts.filter((x) => x === v).length;
  const median = (xs) => {
    const m = xs.slice().sort((a, b) => a - b);
    const h = Math.floor(m.length / 2);
    return m.length % 2 ? m[h] : (m[h - 1] + m[h]) / 2;
  };
  const prediction = result.cells.map((c) => c.comparison.verdict.prediction);
  overview.push([
    name,
    train.config.parameters.toLocaleString('en-US'),
    pct(last.testAccuracy),
    pct(Math.max(...result.cells.map((c) => c.comparison.summary.vcfl.accuracy.mean))),
    pct(Math.max(...result.cells.map((c) => c.comparison.summary.mechanism.accuracy.mean))),
    `${count('best')} / ${count('tied')} / ${count('below')}`,
    `${Math.round(100 * median(prediction.map((p) => p.medianRelativeError)))} % ` +
      `(seed baseline ${Math.round(100 * median(prediction.map((p) => p.seedBaseline.medianRelativeError)))} %)`,
  ]);
  sections.push(
    [
      `### ${name}`,
      '',
      `Centralized (${train.config.train.toLocaleString('en-US')} images, ${train.config.epochs} epochs): ` +
        train.epochs.map((e) => `${pct(e.testAccuracy)} %`).join(', ') +
        ` test accuracy after each epoch; ${train.config.parameters.toLocaleString('en-US')} parameters.`,
      '',
      '| α | g | VCFL | WCO | RaDG | equilibrium | mechanism | generated: equilibrium / mechanism | mechanism − deciding baseline, welfare | mechanism |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...rows.map((r) => `| ${r.join(' | ')} |`),
    ].join('\n'),
  );
}

const md = [
  '| task | parameters | centralized accuracy % | best VCFL accuracy % | best mechanism accuracy % | mechanism best / tied / below | prediction error, median over cells |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...overview.map((r) => `| ${r.join(' | ')} |`),
  '',
  ...sections.flatMap((s) => [s, '']),
].join('\n');
writeFileSync(join(values.out, 'ladder.md'), md);
process.stderr.write(`wrote ${join(values.out, 'ladder.md')} and ${tasks.length} figures\n`);
