export * from '../numeric/aggregative-solver.js'; // moved; removed at the merge
