// An audience file (docs/simulation-and-diff.md#audience): NDJSON or CSV, one member a
// row — the audience level's id field and its declared attributes (what `offerops sample`
// writes), optionally the member's session (`session` object in NDJSON, `session.NAME`
// columns in CSV). Read as a stream, so a million members never sit in memory; every row
// is checked against the declarations first, and the first bad row stops the run with
// file:line:column.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { AttributeDeclaration } from '../bundle/index.js';
import { UserError } from '../errors.js';
import { convertAttribute } from '../expr/index.js';
import { IssueCollector, readTable, throwIssues, type TableHandle } from '../io/index.js';
import type { AudienceMember, AudienceSource } from './types.js';

export interface AudienceDeclarations {
  idField: string;
  /** Profile attributes a row's values are checked against (undeclared columns pass as they are). */
  attributes: Record<string, AttributeDeclaration>;
  sessionAttributes: Record<string, AttributeDeclaration>;
}

const SESSION_PREFIX = 'session.';

class StopReading extends Error {}

/** sha256 of the file's bytes and its number of non-blank lines, in one pass. */
async function scanFile(file: string): Promise<{ digest: string; lines: number }> {
  const hash = createHash('sha256');
  let lines = 0;
  let blank = true;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (byte === 0x0a) {
        if (!blank) lines++;
        blank = true;
      } else if (byte !== 0x0d && byte !== 0x20) blank = false;
    }
  }
  if (!blank) lines++;
  return { digest: `sha256:${hash.digest('hex')}`, lines };
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

export async function openAudienceFile(table: TableHandle, declarations: AudienceDeclarations): Promise<AudienceSource> {
  let scan: { digest: string; lines: number };
  try {
    scan = await scanFile(table.file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`${table.displayName}: cannot read the audience file (${code === 'ENOENT' ? 'no such file' : (code ?? (error as Error).message)})`);
  }
  const approxMembers = Math.max(0, table.format === 'csv' ? scan.lines - 1 : scan.lines);
  const { idField, attributes, sessionAttributes } = declarations;
  const declared = Object.entries(attributes).filter(([name]) => name !== idField);
  return {
    source: table.displayName,
    digest: scan.digest,
    approxMembers,
    async forEach(onMember) {
      const issues = new IssueCollector();
      let header: string[] = [];
      let index = 0;
      const check = (line: number, column: string, declaration: AttributeDeclaration, value: unknown, label: string): boolean => {
        const converted = convertAttribute(declaration, value);
        if (converted.ok) return true;
        issues.add(line, column, `'${label}' must be ${converted.expected}, got ${JSON.stringify(value)}`);
        return false;
      };
      const onRow = ({ line, values }: { line: number; values: Record<string, unknown> }): void | Promise<void> => {
        if (issues.issues.length > 0) throw new StopReading();
        const rawId = values[idField];
        if (!(typeof rawId === 'string' && rawId.trim() !== '') && !(typeof rawId === 'number' && Number.isFinite(rawId))) {
          issues.add(line, rawId === undefined ? null : idField, `'${idField}' is required (the audience id)${rawId === undefined ? '' : `, got ${JSON.stringify(rawId)}`}`);
          throw new StopReading();
        }
        const profile: Record<string, unknown> = {};
        let session: Record<string, unknown> | undefined;
        for (const column in values) {
          const value = values[column];
          if (isEmpty(value)) continue; // an empty cell is a missing attribute, as in the optimizer's audience
          if (column === 'session' && table.format === 'ndjson') {
            if (typeof value !== 'object' || Array.isArray(value)) {
              issues.add(line, column, `'session' must be an object of session attributes, got ${JSON.stringify(value)}`);
              throw new StopReading();
            }
            session = value as Record<string, unknown>;
            continue;
          }
          if (column.startsWith(SESSION_PREFIX) && table.format === 'csv') {
            (session ??= {})[column.slice(SESSION_PREFIX.length)] = value;
            continue;
          }
          profile[column] = value;
        }
        for (const [name, declaration] of declared) {
          if (!isEmpty(profile[name]) && !check(line, name, declaration, profile[name], name)) throw new StopReading();
          // A map arrives in a CSV cell as JSON text (docs/file-formats.md#csv-and-ndjson); the engine takes the object.
          if (declaration.type === 'map' && typeof profile[name] === 'string') profile[name] = JSON.parse(profile[name]);
        }
        if (session !== undefined) {
          for (const [name, value] of Object.entries(session)) {
            const declaration = Object.hasOwn(sessionAttributes, name) ? sessionAttributes[name] : undefined;
            const column = table.format === 'csv' ? `${SESSION_PREFIX}${name}` : 'session';
            if (declaration && !isEmpty(value) && !check(line, column, declaration, value, `session.${name}`)) throw new StopReading();
          }
        }
        const member: AudienceMember = { index: index++, line, id: String(rawId).trim(), profile };
        if (session !== undefined) member.session = session;
        return onMember(member);
      };
      try {
        await readTable(table, issues, onRow, (columns) => (header = columns));
      } catch (error) {
        if (!(error instanceof StopReading)) throw error;
      }
      if (issues.issues.length > 0) await throwIssues(table, issues.issues.slice(0, 1), header);
      return index;
    },
  };
}
