export * from '../numeric/linalg.js'; // moved; removed once src/engine imports src/numeric
