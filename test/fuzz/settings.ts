/**
 * The fuzz tier's settings: every property runs from one seed (COCOGEN_FUZZ_SEED overrides it, to replay or to explore)
 * for at most `numRuns` cases or `interruptAfterTimeLimit` ms, whichever comes first, so CI stays short and any
 * failure is reproducible from the seed fast-check prints.
 */
export const FUZZ = {
  seed: Number(process.env.COCOGEN_FUZZ_SEED ?? 20261207),
  numRuns: Number(process.env.COCOGEN_FUZZ_RUNS ?? 300),
  interruptAfterTimeLimit: 15_000,
  markInterruptAsFailure: false,
} as const;
