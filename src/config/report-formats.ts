// Problem output formats (docs/validation.md#formats): text with a code frame, json, GitHub workflow
// commands (inline annotations on the PR), and SARIF 2.1.0 for code-scanning tools.
import { problemCodes, type Problem } from './problem.js';
import { plural } from '../words.js';

export type ReportFormat = 'text' | 'json' | 'github' | 'sarif';
export const reportFormats: ReportFormat[] = ['text', 'json', 'github', 'sarif'];

export interface TextStyle {
  red: (s: string) => string;
  yellow: (s: string) => string;
  dim: (s: string) => string;
  bold: (s: string) => string;
}

export const plainStyle: TextStyle = { red: (s) => s, yellow: (s) => s, dim: (s) => s, bold: (s) => s };

/** A few lines of the file around the problem, with a caret under the offending node. */
export function codeFrame(text: string, problem: Problem, style: TextStyle = plainStyle): string {
  const lines = text.split(/\r?\n/);
  const first = Math.max(1, problem.line - 2);
  const last = Math.min(lines.length, problem.line + 1);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const marker = n === problem.line ? '>' : ' ';
    const content = (lines[n - 1] ?? '').replace(/\t/g, ' ');
    out.push(style.dim(`${marker} ${String(n).padStart(width)} | `) + content);
    if (n === problem.line) {
      const endColumn = problem.endLine === problem.line && problem.endColumn !== undefined ? problem.endColumn : content.length + 1;
      const span = Math.max(1, Math.min(endColumn, content.length + 1) - problem.column);
      const paint = problem.severity === 'error' ? style.red : style.yellow;
      out.push(style.dim(`  ${' '.repeat(width)} | `) + ' '.repeat(problem.column - 1) + paint('^'.repeat(span)));
    }
  }
  return out.join('\n');
}

export function formatText(problems: readonly Problem[], sources: ReadonlyMap<string, string>, style: TextStyle = plainStyle): string {
  const blocks = problems.map((p) => {
    const paint = p.severity === 'error' ? style.red : style.yellow;
    const head = `${style.bold(`${p.file}:${p.line}:${p.column}`)}: ${paint(p.severity)} ${p.code} ${p.message}`;
    const text = sources.get(p.file);
    return text === undefined ? head : `${head}\n${codeFrame(text, p, style)}`;
  });
  return blocks.length ? blocks.join('\n\n') + '\n' : '';
}

export function summaryLine(problems: readonly Problem[]): string {
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

export function formatJson(problems: readonly Problem[]): string {
  return JSON.stringify(
    problems.map((p) => ({
      file: p.file,
      line: p.line,
      column: p.column,
      ...(p.endLine !== undefined ? { endLine: p.endLine, endColumn: p.endColumn } : {}),
      severity: p.severity,
      code: p.code,
      rule: p.rule,
      message: p.message,
      path: p.path,
    })),
    null,
    2,
  ) + '\n';
}

// Workflow command values escape %, CR, LF; properties also escape ':' and ','.
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithub(problems: readonly Problem[]): string {
  return problems
    .map((p) => {
      const props = [`file=${escapeProperty(p.file)}`, `line=${p.line}`, `col=${p.column}`];
      if (p.endLine !== undefined) props.push(`endLine=${p.endLine}`);
      if (p.endColumn !== undefined && p.endLine === p.line) props.push(`endColumn=${p.endColumn}`);
      props.push(`title=${escapeProperty(`${p.code} ${p.rule}`)}`);
      return `::${p.severity === 'error' ? 'error' : 'warning'} ${props.join(',')}::${escapeData(p.message)}\n`;
    })
    .join('');
}

export function formatSarif(problems: readonly Problem[], toolVersion: string): string {
  const rules = Object.entries(problemCodes)
    .sort((a, b) => (a[1] < b[1] ? -1 : 1))
    .map(([slug, code]) => ({ id: code, name: slug, shortDescription: { text: slug.replace(/-/g, ' ') } }));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'offerops', version: toolVersion, informationUri: 'https://offerops.dev', rules } },
        results: problems.map((p) => ({
          ruleId: p.code,
          level: p.severity === 'error' ? 'error' : 'warning',
          message: { text: p.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: p.file, uriBaseId: '%SRCROOT%' },
                region: { startLine: p.line, startColumn: p.column, ...(p.endLine !== undefined ? { endLine: p.endLine, endColumn: p.endColumn } : {}) },
              },
              logicalLocations: p.path ? [{ fullyQualifiedName: p.path, kind: 'member' }] : [],
            },
          ],
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
