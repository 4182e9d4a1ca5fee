#!/usr/bin/env node
// The CLI entry point: the compiled TypeScript lives in dist/ (built by `npm install`).
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
