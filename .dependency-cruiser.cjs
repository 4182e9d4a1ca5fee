// The layers of docs/architecture.md, checked on every `npm test` (npm run deps). Dependencies run one way:
//   bindings → core (src/core, src/util, src/numeric) → engine → interop → domain (game, incentive, fl) → plot → cli
// and the package root (src/index.ts, src/deprecated.ts) above them all. Type-only imports count: a cycle through
// types is still a cycle for a reader.
const LAYERS = {
  bindings: '^bindings/',
  core: '^src/(core|util|numeric)/',
  engine: '^src/engine/',
  interop: '^src/interop/',
  domain: '^src/(game|incentive|fl)/',
  plot: '^src/plot/',
  cli: '^src/cli/',
};
const ROOT = '^src/[^/]+\\.ts$';

/** `from` may not import any of `above`. */
function below(name, from, above, why) {
  return {
    name,
    severity: 'error',
    comment: why,
    from: { path: from },
    to: { path: above.map((a) => `(${a})`).join('|') },
  };
}

module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycle',
      severity: 'error',
      comment: 'Folders depend one way: no cycle between two folders, however long.',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-module-cycle',
      severity: 'error',
      comment: 'No module imports itself back through others: each file reads without its dependants.',
      from: {},
      to: { circular: true },
    },
    below(
      'bindings-import-nothing',
      LAYERS.bindings,
      ['^src/'],
      'bindings/ mirrors the addon and Dawn; src/ hands it what it needs (the error class).',
    ),
    below(
      'core-stays-core',
      LAYERS.core,
      [LAYERS.engine, LAYERS.interop, LAYERS.domain, LAYERS.plot, LAYERS.cli, ROOT],
      'The numeric core and utilities sit below everything.',
    ),
    below(
      'engine-knows-no-domain',
      LAYERS.engine,
      [LAYERS.interop, LAYERS.domain, LAYERS.plot, LAYERS.cli, ROOT],
      'The engine knows nothing of games, mechanisms or federated learning, nor of files.',
    ),
    below(
      'interop-below-domain',
      LAYERS.interop,
      [LAYERS.domain, LAYERS.plot, LAYERS.cli, ROOT],
      'File formats and file workflows serve the domain, not the reverse.',
    ),
    below(
      'domain-below-cli',
      LAYERS.domain,
      [LAYERS.plot, LAYERS.cli, ROOT],
      'The domain is a library: no CLI, figures or package root.',
    ),
    below('plot-below-cli', LAYERS.plot, [LAYERS.cli, ROOT], 'Figures are library functions the CLI calls.'),
    below('cli-below-root', LAYERS.cli, [ROOT], 'The CLI uses the library modules, not the package root.'),
    below(
      'library-no-tests',
      '^(src|bindings)/',
      ['^(test|bench)/'],
      'Shipped code never imports tests or benchmarks.',
    ),
    {
      name: 'commands-independent',
      severity: 'error',
      comment: 'No CLI command imports another; what two share lives in src/cli/ or the library.',
      from: { path: '^src/cli/commands/([^/]+)\\.ts$' },
      to: { path: '^src/cli/commands/', pathNot: '^src/cli/commands/$1\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|build|node_modules)/|wgsl\\.generated\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
  },
};
