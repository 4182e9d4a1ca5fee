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

const code = await main(process.argv.slice(2));
// The command is done: leave once what it wrote has flushed, rather than when every library's timers have run out
// (the Redis client's parser keeps an interval for a second after a large reply).
process.exitCode = code;
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
