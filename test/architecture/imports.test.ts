// The shape of src/ (docs/architecture.md): each stage is a top-level folder with one
// public face (index.ts); another stage imports only that face; root files are a small
// kernel that imports no stage; nothing outside the CLI imports the CLI; and neither the
// modules nor the stages import each other in a circle.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundaryViolations, findCycles, readModuleGraph, stageEdges, stageOf, type ModuleGraph } from './import-graph.js';

const src = path.resolve(import.meta.dirname, '../../src');

describe('the import graph of src/', () => {
  const graph = readModuleGraph(src);

  it('reads every module and its imports (type-only ones included)', () => {
    expect(graph.files).toContain('engine/engine.ts');
    expect(graph.files).toContain('index.ts');
    expect(graph.edges.length).toBeGreaterThan(100);
    // A type-only import is an edge like any other.
    expect(graph.edges).toContainEqual({ from: 'engine/engine.ts', to: 'engine/types.ts' });
  });

  it('gives every stage a public face', () => {
    const stages = [...new Set(graph.files.map(stageOf).filter((s): s is string => s !== null))];
    const faceless = stages.filter((stage) => !graph.files.includes(`${stage}/index.ts`));
    expect(faceless).toEqual([]);
  });

  it('has no stage reaching into another stage past its index.ts', () => {
    expect(boundaryViolations(graph)).toEqual([]);
  });

  it('has no import circle between modules', () => {
    expect(findCycles(graph.files, graph.edges)).toEqual([]);
  });

  it('has no circle between stages', () => {
    const edges = stageEdges(graph);
    const stages = [...new Set(edges.flatMap((e) => [e.from, e.to]))];
    expect(findCycles(stages, edges)).toEqual([]);
  });
});

describe('the checks themselves', () => {
  const graph = (edges: [string, string][]): ModuleGraph => ({ files: [...new Set(edges.flat())], edges: edges.map(([from, to]) => ({ from, to })) });

  it("flag an import of another stage's internals, and allow its index.ts", () => {
    expect(boundaryViolations(graph([['optimize/model.ts', 'engine/index.ts']]))).toEqual([]);
    expect(boundaryViolations(graph([['optimize/model.ts', 'engine/days.ts']]))).toEqual([
      "optimize/model.ts imports engine/days.ts: another stage's internals (import engine/index.js instead)",
    ]);
  });

  it('flag a kernel module importing a stage, and anyone importing the CLI', () => {
    expect(boundaryViolations(graph([['days.ts', 'expr/index.ts']]))).toHaveLength(1);
    expect(boundaryViolations(graph([['days.ts', 'errors.ts']]))).toEqual([]);
    expect(boundaryViolations(graph([['server/app.ts', 'cli/index.ts']]))).toHaveLength(1);
    expect(boundaryViolations(graph([['index.ts', 'engine/engine.ts']]))).toHaveLength(1);
    expect(boundaryViolations(graph([['index.ts', 'engine/index.ts']]))).toEqual([]);
  });

  it('find a circle, type-only or not, and only circles', () => {
    expect(findCycles(['a', 'b', 'c'], [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }])).toEqual([]);
    expect(findCycles(['a', 'b', 'c'], [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'a' }])).toEqual([['a', 'b', 'c']]);
    expect(findCycles(['a'], [{ from: 'a', to: 'a' }])).toEqual([['a']]);
  });
});
