// The fenced blocks of the project's Markdown pages, with the doctest directive written
// directly above each fence. Shared by the doctest (shell blocks), the schema test (YAML
// documents) and the link check.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const repo = path.resolve(import.meta.dirname, '../..');

export interface FencedBlock {
  /** The page, relative to the repository root (`docs/cli.md`). */
  page: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The info string's first word (`sh`, `json`, `yaml`, …), '' when none. */
  language: string;
  body: string;
  /** The `<!-- doctest: … -->` comment on the line directly above the fence, if any. */
  directive: string | null;
  /** Lines between the end of the previous block and this fence (blank lines and prose). */
  textBefore: string[];
}

/** README.md and every docs/*.md, in a stable order. */
export function documentationPages(): string[] {
  const docs = readdirSync(path.join(repo, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs];
}

export function fencedBlocks(page: string, text = readFileSync(path.join(repo, page), 'utf8')): FencedBlock[] {
  const lines = text.split('\n');
  const blocks: FencedBlock[] = [];
  let since = 0;
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, language] = open;
    let end = i + 1;
    while (end < lines.length && !lines[end]!.trimStart().startsWith(fence!)) end++;
    const above = i > 0 ? lines[i - 1]!.trim() : '';
    const directive = /^<!--\s*doctest:.*-->$/.test(above) ? above : null;
    blocks.push({
      page,
      line: i + 1,
      language: language ?? '',
      body: lines
        .slice(i + 1, end)
        .map((l) => (indent && l.startsWith(indent) ? l.slice(indent.length) : l))
        .join('\n'),
      directive,
      textBefore: lines.slice(since, directive ? i - 1 : i),
    });
    i = end;
    since = end + 1;
  }
  return blocks;
}
