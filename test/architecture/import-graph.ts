// The import graph of src/ and the rules it must keep (docs/architecture.md): every
// import, type-only and dynamic ones included, read with TypeScript's own pre-processor
// (no regex over code), resolved to the file it names.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface ImportEdge {
  /** Paths relative to src/, with '/' separators. */
  from: string;
  to: string;
}

export interface ModuleGraph {
  files: string[];
  edges: ImportEdge[];
}

function listSources(dir: string, root: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) listSources(full, root, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path.relative(root, full).split(path.sep).join('/'));
  }
}

/** Every module under `srcDir` and the relative imports between them. */
export function readModuleGraph(srcDir: string): ModuleGraph {
  const files: string[] = [];
  listSources(srcDir, srcDir, files);
  const known = new Set(files);
  const edges: ImportEdge[] = [];
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(path.join(srcDir, file), 'utf8'), true, true);
    for (const imported of info.importedFiles) {
      const specifier = imported.fileName;
      if (!specifier.startsWith('.')) continue; // a package
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)).replace(/\.js$/, '.ts');
      if (!known.has(target)) throw new Error(`${file} imports '${specifier}', which is not a module under src/`);
      edges.push({ from: file, to: target });
    }
  }
  return { files, edges };
}

/** The stage a module belongs to (its top-level folder under src/), or null for a root file. */
export function stageOf(file: string): string | null {
  const slash = file.indexOf('/');
  return slash === -1 ? null : file.slice(0, slash);
}

/**
 * What the graph breaks: a module that reaches into another stage past its index.ts, a
 * root (kernel) file that imports a stage, the package face importing anything but
 * stage faces and kernel files, and anyone but the CLI importing the CLI.
 */
export function boundaryViolations(graph: ModuleGraph): string[] {
  const violations: string[] = [];
  for (const { from, to } of graph.edges) {
    const fromStage = stageOf(from);
    const toStage = stageOf(to);
    if (fromStage === toStage) continue; // within one stage, or kernel to kernel
    if (fromStage === null && from !== 'index.ts') {
      violations.push(`${from} is a root (kernel) module and imports ${to}: kernel modules import only other kernel modules`);
      continue;
    }
    if (toStage === null) continue; // any module may use the kernel
    if (toStage === 'cli') {
      violations.push(`${from} imports ${to}: nothing outside src/cli imports the CLI`);
      continue;
    }
    if (to !== `${toStage}/index.ts`) violations.push(`${from} imports ${to}: another stage's internals (import ${toStage}/index.js instead)`);
  }
  return violations;
}

/** Every import circle, each once, as the list of modules around it (Tarjan's strongly connected components). */
export function findCycles(nodes: readonly string[], edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const node of nodes) next.set(node, []);
  for (const { from, to } of edges) {
    if (!next.has(from)) next.set(from, []);
    if (!next.has(to)) next.set(to, []);
    next.get(from)!.push(to);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node)!) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(node, Math.min(low.get(node)!, index.get(target)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      const selfLoop = next.get(node)!.includes(node);
      if (component.length > 1 || selfLoop) cycles.push(component.sort());
    }
  };
  for (const node of [...next.keys()].sort()) if (!index.has(node)) visit(node);
  return cycles;
}

/** The stage-level graph: one edge per pair of stages with an import between them. */
export function stageEdges(graph: ModuleGraph): ImportEdge[] {
  const seen = new Set<string>();
  const edges: ImportEdge[] = [];
  for (const { from, to } of graph.edges) {
    const a = stageOf(from);
    const b = stageOf(to);
    if (a === null || b === null || a === b) continue;
    const key = `${a}\0${b}`;
    if (seen.has(key)) continue;
    seen.add(key);
    edges.push({ from: a, to: b });
  }
  return edges;
}
