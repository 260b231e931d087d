// The project's own text sends readers only to pages they have: no "SPEC" (a document
// users and contributors never see) in src/, docs/, schema/ or README.md, nothing outside
// the repository read by tests, benchmarks, scripts or CI, and every `docs/<page>.md` or
// `docs/<page>.md#<heading>` a file names exists, heading included.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repo } from './markdown-blocks.js';

/** Text files under `dir` (relative to the repository), recursively. */
function filesUnder(dir: string, extensions: RegExp): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    const full = path.join(repo, rel);
    if (statSync(full).isFile()) {
      if (extensions.test(rel)) out.push(rel);
      return;
    }
    for (const name of readdirSync(full).sort()) if (name !== 'node_modules') walk(`${rel}/${name}`);
  };
  walk(dir);
  return out;
}

const TEXT = /\.(ts|mts|mjs|js|json|md|yaml|yml|sh)$/;
const projectText = ['src', 'docs', 'schema'].flatMap((d) => filesUnder(d, TEXT)).concat('README.md');

/** `file:line: text` for every line matching `pattern`. */
function grep(files: readonly string[], pattern: RegExp): string[] {
  const hits: string[] = [];
  for (const file of files) {
    readFileSync(path.join(repo, file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (pattern.test(line)) hits.push(`${file}:${i + 1}: ${line.trim()}`);
      });
  }
  return hits;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(page: string): Set<string> {
  const anchors = new Set<string>();
  let inFence = false;
  for (const line of readFileSync(path.join(repo, page), 'utf8').split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const heading = !inFence && /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) anchors.add(headingAnchor(heading[1]!));
  }
  return anchors;
}

describe('references in the project text', () => {
  it('never say SPEC in src/, docs/, schema/ or README.md', () => {
    expect(grep(projectText, /SPEC/)).toEqual([]);
  });

  it('read nothing beside the checkout: no sibling shared folder in tests, benchmarks, scripts or CI', () => {
    const outside = new RegExp(['\\.\\./shared', '/shared/(SPEC|STYLE|LIBRARIES|data)'].join('|'));
    const files = ['src', 'test', 'bench', 'scripts', '.ci', '.github'].flatMap((d) => filesUnder(d, /\.(ts|mts|mjs|js|json|md|yaml|yml|sh)$|\.ci\/run$/));
    expect(files.length).toBeGreaterThan(50);
    expect(grep(files.filter((f) => f !== 'test/docs/references.test.ts'), outside)).toEqual([]);
  });

  it('name only docs pages and headings that exist', () => {
    const broken: string[] = [];
    const files = [...projectText, ...filesUnder('test', /\.ts$/), ...filesUnder('bench', /\.(mjs|mts)$/)];
    for (const file of files) {
      readFileSync(path.join(repo, file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const references = [...line.matchAll(/\bdocs\/([\w-]+\.md)(?:#([\w-]+))?/g)].map((m) => ({ page: `docs/${m[1]}`, anchor: m[2] }));
          // Relative Markdown links between pages: [text](page.md#anchor), [text](#anchor).
          if (file.endsWith('.md')) {
            for (const m of line.matchAll(/\]\(((?:[\w-]+\.md)?)(?:#([\w-]+))?\)/g)) {
              if (!m[1] && !m[2]) continue;
              references.push({ page: m[1] ? path.posix.join(path.posix.dirname(file), m[1]) : file, anchor: m[2] });
            }
          }
          for (const { page, anchor } of references) {
            let anchors: Set<string>;
            try {
              anchors = anchorsOf(page);
            } catch {
              broken.push(`${file}:${i + 1}: ${page} does not exist`);
              continue;
            }
            if (anchor !== undefined && !anchors.has(anchor)) broken.push(`${file}:${i + 1}: ${page} has no heading #${anchor}`);
          }
        });
    }
    expect(broken).toEqual([]);
  });

  it('computes anchors as GitHub does', () => {
    expect(headingAnchor('Metrics (`GET /metrics`)')).toBe('metrics-get-metrics');
    expect(headingAnchor('Dates and `--at`')).toBe('dates-and---at');
    expect(headingAnchor('optimize — `bench/optimize.bench.mjs`')).toBe('optimize--benchoptimizebenchmjs');
    expect(headingAnchor('Beyond one machine: shards')).toBe('beyond-one-machine-shards');
  });
});
