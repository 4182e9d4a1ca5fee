// The synopses a user reads in three places — `cocogen <command> --help`, the flags its parser takes, and the block
// at the top of docs/cli.md — are one: a flag added to one and not the others fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandHelp, HIDDEN_FLAGS } from '../../src/cli/main.js';
import { ROOT } from '../support/cli.js';

const commands = commandHelp();

/** The synopsis lines of a help text: from its first line to the first description line (indented by two). */
function synopsis(help: string): string[] {
  const lines = help.split('\n');
  const end = lines.findIndex((l, i) => i > 0 && /^ {2}\S/.test(l));
  return lines.slice(0, end < 0 ? lines.length : end);
}

const flagsIn = (text: string): Set<string> => new Set([...text.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1]!));

describe('command synopses', () => {
  it.each(Object.keys(commands))('%s --help lists exactly the flags its parser takes', (name) => {
    const { help, flags } = commands[name]!;
    const listed = flagsIn(synopsis(help).join('\n'));
    listed.delete('json');
    expect([...listed].sort()).toEqual(flags.filter((f) => !HIDDEN_FLAGS.includes(f)).sort());
    expect(synopsis(help)[0]).toMatch(new RegExp(`^cocogen ${name}\\b`));
  });

  it('docs/cli.md opens with the synopses of --help, every command in order, word for word', () => {
    const doc = readFileSync(join(ROOT, 'docs/cli.md'), 'utf8');
    const block = /```\n([\s\S]*?)\n```/.exec(doc)![1]!;
    expect(block).toBe(
      Object.values(commands)
        .flatMap((c) => synopsis(c.help))
        .join('\n'),
    );
  });

  it.each(Object.keys(commands))("docs/cli.md's section on %s names every flag it takes", (name) => {
    const doc = readFileSync(join(ROOT, 'docs/cli.md'), 'utf8');
    const section = doc.split(/^## /m).find((s) => s.startsWith(`cocogen ${name}\n`))!;
    expect(section, name).toBeDefined();
    const named = flagsIn(section);
    for (const flag of commands[name]!.flags.filter((f) => !HIDDEN_FLAGS.includes(f)))
      expect(named, flag).toContain(flag);
  });

  it("README's command table names only flags the command takes", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `cocogen (\w+)([^`]*)` \|/gm)];
    expect(rows.map((r) => r[1]).sort()).toEqual(Object.keys(commands).sort());
    for (const [, name, rest] of rows) {
      for (const flag of flagsIn(rest!)) expect(commands[name!]!.flags, `${name} --${flag}`).toContain(flag);
    }
  });
});
