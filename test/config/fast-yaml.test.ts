// The fast path of reading config files gives the values and start positions the full
// `yaml` loader gives, and leaves every file it is not sure about to that loader.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { readFast } from '../../src/config/fast-yaml.js';
import { MAX_NESTING_DEPTH, parseYamlFile } from '../../src/config/load.js';
import { locate, locateStart, type LoadedDocument, type PathSegment } from '../../src/config/source.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const root = path.resolve(import.meta.dirname, '../..');

/** Every path to a value inside `value`, with whether its last segment is a mapping key. */
function pathsOf(value: unknown, prefix: PathSegment[] = [], out: { path: PathSegment[]; key: boolean }[] = []): { path: PathSegment[]; key: boolean }[] {
  out.push({ path: prefix, key: false });
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push({ path: [...prefix, k], key: true });
      pathsOf(v, [...prefix, k], out);
    }
  }
  return out;
}

/** The values the full `yaml` loader gives for the file's non-empty documents. */
function fullValues(text: string): unknown[] {
  return parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true, strict: true })
    .filter((doc) => doc.contents !== null)
    .map((doc): unknown => doc.toJS({ maxAliasCount: 100 }) as unknown);
}

/** Asserts that a file goes the fast path and reads exactly as the full loader reads it. */
function expectSameAsFull(file: string, text: string): void {
  expect(readFast(text.replace(/^\uFEFF/, ''), MAX_NESTING_DEPTH), `${file} should be read on the fast path`).not.toBeNull();
  const { documents, problems } = parseYamlFile(file, utf8(text));
  expect(problems).toEqual([]);
  expect(documents.map((d) => d.value)).toEqual(fullValues(text.replace(/^\uFEFF/, '')));
  for (const document of documents) {
    expect(document.positions, file).toBeDefined();
    for (const { path: at, key } of pathsOf(document.value)) {
      const full = locate(document, at, { key });
      expect(locateStart(document, at, { key }), `${file} ${JSON.stringify(at)}${key ? ' (key)' : ''}`).toEqual({ line: full.line, column: full.column });
    }
  }
}

const tricky = `# scalars both loaders must read alike (YAML 1.2 core)
apiVersion: offerops/v1
kind: Offer
ints: [1, -1, +1, 0o17, 0x1F, 017, 9007199254740993, 0, -0, 00]
floats: [1.5, .5, 1., 1e3, 1E-3, -.5, +0.5e+3, 0.1e2, +.inf, -.Inf, .NAN]
words: [true, True, TRUE, false, null, Null, ~, yes, on, 1_000, 2026-11-02, 2026-11-02T10:00:00Z, '12:30', 1:20]
quoted: ["x\\ty", 'a''b', "\\u00e9", "", '']
"quoted key": 1
'single key': 2
? explicit
: 3
plain multi: this plain scalar
  goes on over
  three lines
quoted multi: "a quoted scalar
  over two lines"
literal: |
  line one
    indented

  after a blank
folded: >-
  folded
  text
keep: |+
  kept

nested:
  - { a: 1, b: [x, y, { c: d }] }
  - - deep
    - [1, [2, [3]]]
  -   spaced: true
      list:
      - unindented item
      - { }
      - [ ]
empty map: {}
unicode: "café ☕ 𝄞"
long: ${'x'.repeat(300)}
`;

describe('the fast path of reading YAML', () => {
  it('reads every YAML file of the repository as the full loader does: values, and where each node and key starts', () => {
    const files = execFileSync('git', ['ls-files', '*.yaml', '*.yml'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f !== '' && (f.startsWith('config/') || f.startsWith('templates/init/config') || f.startsWith('test/fixtures/configs') || f.startsWith('test/fixtures/decision-tests')));
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) expectSameAsFull(file, readFileSync(path.join(root, file), 'utf8'));
  });

  it('reads scalars of every style, multi-line and block scalars, explicit keys and nested flow collections alike', () => {
    expectSameAsFull('tricky.yaml', tricky);
    expectSameAsFull('tricky-crlf.yaml', tricky.replace(/\n/g, '\r\n'));
    expectSameAsFull('bom.yaml', `\uFEFF${tricky}`);
    expectSameAsFull('several.yaml', 'a: 1\n---\nb: [2]\n...\n---\nc: { d: e }\n');
  });

  it('leaves to the full loader what it cannot read exactly as it would', () => {
    const leftToFull: Record<string, string> = {
      anchor: 'a: &x 1\nb: *x\n',
      tag: 'a: !!str 1\n',
      directive: '%YAML 1.2\n---\na: 1\n',
      tab: 'a: "x\ty"\n',
      'lone carriage return': 'a: 1\rb: 2\n',
      'empty document': 'a: 1\n---\n',
      'not a mapping': '- 1\n- 2\n',
      'a scalar document': 'just text\n',
      'duplicate key': 'a: 1\na: 2\n',
      'forbidden key': 'a:\n  __proto__: 1\n',
      'complex key': '? [a]\n: 1\n',
      'numeric key': '1: a\n',
      'boolean key': 'true: a\n',
      'quoted key with an escape': '"a\\"b": 1\n',
      'overflowing float': 'a: 1e400\n',
      'syntax error': 'a: [1, 2\n',
      'bad indentation': 'a:\n  - 1\n - 2\n',
    };
    for (const [what, text] of Object.entries(leftToFull)) expect(readFast(text, MAX_NESTING_DEPTH), what).toBeNull();
  });

  it('reads nesting up to the limit and leaves deeper nesting to the full loader (limit − 1, limit, limit + 1)', () => {
    const nested = (depth: number): string => `${'['.repeat(depth - 1)}{ a: 1 }${']'.repeat(depth - 1)}`;
    const doc = (depth: number): string => `k: ${nested(depth - 1)}\n`;
    expect(readFast(doc(MAX_NESTING_DEPTH - 1), MAX_NESTING_DEPTH)).not.toBeNull();
    expect(readFast(doc(MAX_NESTING_DEPTH), MAX_NESTING_DEPTH)).not.toBeNull();
    expect(readFast(doc(MAX_NESTING_DEPTH + 1), MAX_NESTING_DEPTH)).toBeNull();
    // and the full loader then refuses it, as before
    expect(parseYamlFile('deep.yaml', utf8(doc(MAX_NESTING_DEPTH + 1))).problems.map((p) => p.code)).toEqual(['OO009']);
    expect(parseYamlFile('deep.yaml', utf8(doc(MAX_NESTING_DEPTH))).problems).toEqual([]);
  });

  it('builds the full nodes of a file read on the fast path only when a position beyond a start is asked for', () => {
    const { documents } = parseYamlFile('lazy.yaml', utf8('a:\n  b: [1, 2]\n'));
    const document: LoadedDocument = documents[0]!;
    expect(locateStart(document, ['a', 'b', 1])).toEqual({ line: 2, column: 10 });
    // a path the index does not hold: the key of the nearest ancestor, as `locate` reports it
    expect(locateStart(document, ['a', 'c'])).toEqual({ line: 1, column: 1 });
    expect(locate(document, ['a', 'b'])).toEqual({ line: 2, column: 6, endLine: 2, endColumn: 12 });
  });
});
