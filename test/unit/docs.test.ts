// The documentation holds together: every section reference in the repository resolves to a heading of
// docs/design.md (a comment's "DESIGN" reference means that page), every relative link in README.md and docs/*.md
// reaches a file (and its anchor, a heading there), and every name the docs' code blocks import from 'cocogen' is
// exported by the package root, src/index.ts.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DESIGN = 'docs/design.md';
/** The section sign, written as an escape so that this file cites no section itself. */
const SECTION = '\u00a7';

/** Paths (relative to ROOT) that git tracks or would track; a directory walk where git is not available. */
function repositoryFiles(): string[] {
  try {
    const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out.split('\0').filter((p) => p !== '' && existsSync(join(ROOT, p)));
  } catch {
    const skip = new Set(['node_modules', 'dist', 'build', '.git', 'api', 'results']);
    const walk = (dir: string): string[] =>
      readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
        const path = dir === '' ? e.name : `${dir}/${e.name}`;
        if (e.isDirectory()) return skip.has(e.name) ? [] : walk(path);
        return e.isFile() ? [path] : [];
      });
    return walk('');
  }
}

/** The text files among them: no NUL byte, not the lock file, at most 4 MB. */
function textFiles(): { path: string; text: string }[] {
  return repositoryFiles()
    .filter((p) => p !== 'package-lock.json' && statSync(join(ROOT, p)).size <= 4 << 20)
    .map((path) => ({ path, bytes: readFileSync(join(ROOT, path)) }))
    .filter(({ bytes }) => !bytes.subarray(0, 8192).includes(0))
    .map(({ path, bytes }) => ({ path, text: bytes.toString('utf8') }));
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2, … */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of stripFences(markdown).split('\n')) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const text = m[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

/** Markdown without its fenced code blocks. */
function stripFences(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** Markdown with fenced code blocks and inline code spans blanked (their brackets are not links). */
function stripCode(markdown: string): string {
  return stripFences(markdown).replace(/`[^`\n]*`/g, '``');
}

/** The section numbers of docs/design.md's headings ("## 3. The game" → 3, "### 3.2 Heterogeneity" → 3.2). */
function designSections(): Set<string> {
  const text = readFileSync(join(ROOT, DESIGN), 'utf8');
  const sections = new Set<string>();
  for (const m of stripCode(text).matchAll(/^#{1,6}\s+(\d+(?:\.\d+)*)\.?\s/gm)) sections.add(m[1]!);
  return sections;
}

/** Every section reference in a text: the sign followed by a number, or "DESIGN 3.4" / "DESIGN.md 3.4". */
function sectionReferences(text: string): string[] {
  const refs: string[] = [];
  const sign = new RegExp(`${SECTION}\\s?(\\d+(?:\\.\\d+)*)`, 'g');
  for (const m of text.matchAll(sign)) refs.push(m[1]!);
  for (const m of text.matchAll(/\bDESIGN(?:\.md)?\s+(\d+(?:\.\d+)*)\b/g)) refs.push(m[1]!);
  return refs;
}

function markdownFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs];
}

/**
 * Every name the package root exports (values and types), read from src/index.ts's syntax: the root lists its names
 * explicitly (a curated surface), so an `export *` there is itself a failure. tsc checks that each name exists.
 */
function packageExports(): Set<string> {
  const path = join(ROOT, 'src/index.ts');
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest);
  const names = new Set<string>();
  const exported = (node: ts.Node): boolean =>
    ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      const clause = statement.exportClause;
      if (clause === undefined || !ts.isNamedExports(clause))
        throw new Error(`src/index.ts: \`${statement.getText(source)}\` is not an explicit named export`);
      for (const element of clause.elements) names.add(element.name.text);
    } else if (exported(statement)) {
      if (ts.isVariableStatement(statement)) {
        for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name)) names.add(d.name.text);
      } else if (
        (ts.isFunctionDeclaration(statement) ||
          ts.isClassDeclaration(statement) ||
          ts.isInterfaceDeclaration(statement) ||
          ts.isTypeAliasDeclaration(statement) ||
          ts.isEnumDeclaration(statement)) &&
        statement.name
      ) {
        names.add(statement.name.text);
      }
    }
  }
  return names;
}

/** Names imported from 'cocogen' in the code blocks of a markdown text. */
function importedNames(markdown: string): string[] {
  const names: string[] = [];
  for (const block of markdown.matchAll(/^```(?:ts|typescript|js|javascript|mjs)\s*\n([\s\S]*?)^```/gm)) {
    for (const m of block[1]!.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*['"]cocogen['"]/g)) {
      for (const spec of m[1]!.split(',')) {
        const name = spec
          .trim()
          .replace(/^type\s+/, '')
          .split(/\s+as\s+/)[0]!
          .trim();
        if (name !== '') names.push(name);
      }
    }
  }
  return names;
}

describe('documentation', () => {
  it(`every section reference resolves to a heading of ${DESIGN}`, () => {
    const sections = designSections();
    // The sections the code has always cited must be there, so that an accidental renumbering fails here.
    for (const s of [
      '1',
      '2',
      '3',
      '3.1',
      '3.2',
      '3.3',
      '3.4',
      '3.5',
      '4',
      '5',
      '5.1',
      '5.2',
      '5.3',
      '5.4',
      '6',
      '7',
      '8',
    ])
      expect(sections, `${DESIGN} has no section ${s}`).toContain(s);
    const files = textFiles();
    expect(files.length).toBeGreaterThan(100);
    const unresolved: string[] = [];
    let count = 0;
    for (const { path, text } of files) {
      for (const ref of sectionReferences(text)) {
        count++;
        if (!sections.has(ref)) unresolved.push(`${path}: ${SECTION}${ref}`);
      }
    }
    expect(unresolved).toEqual([]);
    expect(count).toBeGreaterThan(50);
  });

  it('every relative link in README.md and docs/*.md reaches a file, and its anchor a heading there', () => {
    const broken: string[] = [];
    for (const file of markdownFiles()) {
      const text = stripCode(readFileSync(join(ROOT, file), 'utf8'));
      for (const m of text.matchAll(/\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
        const target = m[1]!;
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const resolved = path === '' ? join(ROOT, file) : resolve(dirname(join(ROOT, file)), decodeURI(path));
        if (!resolved.startsWith(ROOT) || !existsSync(resolved)) {
          broken.push(`${file}: ${target} (no such file)`);
          continue;
        }
        if (anchor !== undefined && resolved.endsWith('.md')) {
          if (!anchors(readFileSync(resolved, 'utf8')).has(anchor))
            broken.push(`${file}: ${target} (no heading #${anchor} in ${relative(ROOT, resolved)})`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('every page in docs/ is linked from README.md', () => {
    const readme = stripCode(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    const linked = new Set([...readme.matchAll(/\]\((docs\/[^)#\s]+)/g)].map((m) => m[1]!));
    const pages = markdownFiles().filter((f) => f !== 'README.md');
    expect(pages.filter((p) => !linked.has(p))).toEqual([]);
  });

  it('every page in docs/ is a document of the API reference (an @document tag in src/index.ts)', () => {
    const index = readFileSync(join(ROOT, 'src/index.ts'), 'utf8');
    const documents = new Set([...index.matchAll(/@document\s+\.\.\/(docs\/\S+\.md)/g)].map((m) => m[1]!));
    const pages = markdownFiles().filter((f) => f !== 'README.md');
    expect(pages.filter((p) => !documents.has(p))).toEqual([]);
    expect([...documents].filter((d) => !pages.includes(d))).toEqual([]);
  });

  it('README.md keeps the two commands that .ci/run runs', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const shell = [...readme.matchAll(/^```sh\s*\n([\s\S]*?)^```/gm)].flatMap((m) => m[1]!.trim().split('\n'));
    expect(shell).toContain('npm install && npx cocogen demo');
    expect(shell).toContain('npm test');
    const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8');
    expect(ci).toContain('npm install && npx cocogen demo');
    expect(ci).toMatch(/^npm test$/m);
  });

  it("every name imported from 'cocogen' in README.md and docs/*.md is exported by src/index.ts", async () => {
    const exported = packageExports();
    expect(exported.size).toBeGreaterThan(150);
    // The syntactic reading misses no runtime export.
    const runtime = Object.keys(await import('../../src/index.js'));
    expect(runtime.filter((n) => !exported.has(n))).toEqual([]);
    const missing: string[] = [];
    let count = 0;
    for (const file of markdownFiles()) {
      for (const name of importedNames(readFileSync(join(ROOT, file), 'utf8'))) {
        count++;
        if (!exported.has(name)) missing.push(`${file}: ${name}`);
      }
    }
    expect(missing).toEqual([]);
    expect(count).toBeGreaterThan(10);
  });
});
