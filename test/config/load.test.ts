// The loader refuses hostile input with a located problem and never crashes or hangs.
import { describe, expect, it } from 'vitest';
import { MAX_NESTING_DEPTH, parseYamlFile } from '../../src/config/load.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('parseYamlFile', () => {
  it('reads several documents per file with their index', () => {
    const { documents, problems } = parseYamlFile('config/a.yaml', utf8('a: 1\n---\nb: 2\n---\n'));
    expect(problems).toEqual([]);
    expect(documents.map((d) => [d.index, d.value])).toEqual([
      [0, { a: 1 }],
      [1, { b: 2 }],
    ]);
  });

  it('accepts an empty file and a byte-order mark', () => {
    expect(parseYamlFile('config/empty.yaml', utf8(''))).toEqual({ documents: [], problems: [] });
    const withBom = parseYamlFile('config/bom.yaml', new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('a: 1\n')]));
    expect(withBom.problems).toEqual([]);
    expect(withBom.documents[0]!.value).toEqual({ a: 1 });
  });

  it('refuses invalid UTF-8 naming the line and column of the bad byte', () => {
    const bytes = new Uint8Array([...utf8('a: 1\nname: ab'), 0xff, ...utf8('c\n')]);
    const { documents, problems } = parseYamlFile('config/latin1.yaml', bytes);
    expect(documents).toEqual([]);
    expect(problems).toMatchObject([{ code: 'OO006', line: 2, column: 9, file: 'config/latin1.yaml', severity: 'error' }]);
    expect(problems[0]!.message).toContain('0xff');
  });

  it('refuses overlong UTF-8 encodings and surrogates', () => {
    expect(parseYamlFile('x.yaml', new Uint8Array([0x61, 0xc0, 0xaf])).problems[0]).toMatchObject({ code: 'OO006', column: 2 });
    expect(parseYamlFile('x.yaml', new Uint8Array([0xed, 0xa0, 0x80])).problems[0]).toMatchObject({ code: 'OO006', column: 1 });
  });

  it('refuses a file over the size limit without parsing it', () => {
    const { documents, problems } = parseYamlFile('config/big.yaml', utf8('a: ' + 'x'.repeat(2000) + '\n'), 1000);
    expect(documents).toEqual([]);
    expect(problems).toMatchObject([{ code: 'OO005', line: 1, column: 1 }]);
  });

  it('stops an alias bomb quickly', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill('*' + prev).join(',')}]`);
    }
    const started = Date.now();
    const { documents, problems } = parseYamlFile('config/bomb.yaml', utf8(levels.join('\n') + '\n'));
    expect(documents).toEqual([]);
    expect(problems.map((p) => p.code)).toEqual(['OO004']);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses prototype keys at any depth and never pollutes Object.prototype', () => {
    const { problems } = parseYamlFile('config/p.yaml', utf8('a:\n  b:\n    - prototype: 1\n__proto__:\n  polluted: yes\n'));
    expect(problems.map((p) => [p.code, p.line, p.column])).toEqual([
      ['OO003', 3, 7],
      ['OO003', 4, 1],
    ]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('reports duplicate keys and tab indentation at their position', () => {
    expect(parseYamlFile('d.yaml', utf8('a: 1\nb: 2\na: 3\n')).problems).toMatchObject([{ code: 'OO002', line: 3, column: 1 }]);
    expect(parseYamlFile('t.yaml', utf8('a:\n\tb: 1\n')).problems[0]).toMatchObject({ code: 'OO007', line: 2, column: 1 });
  });

  it('keeps tabs inside quoted strings', () => {
    const { documents, problems } = parseYamlFile('t.yaml', utf8('a: "x\\ty"\nb: "p\tq"\n'));
    expect(problems).toEqual([]);
    expect(documents[0]!.value).toEqual({ a: 'x\ty', b: 'p\tq' });
  });

  it('reports a syntax error with its position and keeps going with the other documents', () => {
    const { documents, problems } = parseYamlFile('s.yaml', utf8('a: [1, 2\n---\nb: 2\n'));
    expect(problems.map((p) => p.code)).toContain('OO001');
    expect(documents.map((d) => d.value)).toEqual([{ b: 2 }]);
  });

  // Depth counts the document's top-level collection as 1: `a: [[x]]` is 3 deep.
  const flowDeep = (depth: number): string => `a: ${'['.repeat(depth - 1)}x${']'.repeat(depth - 1)}\n`;
  const blockDeep = (depth: number): string => `a:\n  ${'- '.repeat(depth - 1)}x\n`;

  it.each([
    ['flow', flowDeep],
    ['block', blockDeep],
  ])('accepts %s collections nested up to the limit and refuses one level more, where it starts', (_kind, make) => {
    for (const depth of [MAX_NESTING_DEPTH - 1, MAX_NESTING_DEPTH]) {
      const { documents, problems } = parseYamlFile('deep.yaml', utf8(make(depth)));
      expect(problems, `depth ${depth}`).toEqual([]);
      expect(documents).toHaveLength(1);
    }
    const text = make(MAX_NESTING_DEPTH + 1);
    const { documents, problems } = parseYamlFile('deep.yaml', utf8(text));
    expect(documents).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'OO009', rule: 'nesting-limit', file: 'deep.yaml', severity: 'error' });
    expect(problems[0]!.message).toContain(`${MAX_NESTING_DEPTH} levels`);
    // The position is the collection one level too deep.
    const lines = text.split('\n');
    const at = lines[problems[0]!.line - 1]!.slice(problems[0]!.column - 1);
    expect(at.startsWith('[') || at.startsWith('-')).toBe(true);
  });

  it('refuses thousands of nested collections with a located problem, never composing them', () => {
    // The YAML composer is recursive and catches its own stack overflow at the edge of the
    // stack, where V8 could abort the process; the depth check must stop the input first
    // (a stack-overflow message here would mean the composer ran).
    for (const text of [flowDeep(5000), `a: ${'{b: '.repeat(5000)}1${'}'.repeat(5000)}\n`, blockDeep(3000)]) {
      const { documents, problems } = parseYamlFile('deep.yaml', utf8(text));
      expect(documents).toEqual([]);
      expect(problems.map((p) => [p.code, p.line])).toEqual([['OO009', text.startsWith('a:\n') ? 2 : 1]]);
    }
  });

  it('measures depth per document, and over keys as well as values', () => {
    const shallow = 'a: 1\n';
    const { problems } = parseYamlFile('deep.yaml', utf8(`${shallow}---\n${flowDeep(MAX_NESTING_DEPTH + 1)}`));
    expect(problems.map((p) => [p.code, p.line])).toEqual([['OO009', 3]]);
    const deepKey = `? ${'['.repeat(MAX_NESTING_DEPTH)}x${']'.repeat(MAX_NESTING_DEPTH)}\n: 1\n`;
    expect(parseYamlFile('key.yaml', utf8(deepKey)).problems.map((p) => p.code)).toEqual(['OO009']);
  });
});
