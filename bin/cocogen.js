#!/usr/bin/env node
// The CLI entry point: the compiled TypeScript lives in dist/ (built by `npm install`).
import { main } from '../dist/src/cli/main.js';

// A closed pipe (`cocogen sweep --json | head`) ends the output, not the process with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2));
