// The io stage's public face: reading input tables (CSV or NDJSON, streamed, every bad
// row reported at file:line:column) and the one reader of contact/response history files
// (docs/decisions.md#history). Other stages and package users import from here only.
export { HistoryFileError, historyRowFromFields, parseHistory, readHistory, readHistoryFile, type HistoryFieldProblem } from './history.js';
export {
  csvFieldStart,
  detectTableFormat,
  IssueCollector,
  MAX_ISSUES,
  MAX_RECORD_CHARS,
  ownString,
  readTable,
  readTableRecords,
  tableFormatOf,
  TableInputError,
  throwIssues,
  type CsvByteRange,
  type CsvReadOptions,
  type CsvRecordSink,
  type InputIssue,
  type TableFormat,
  type TableHandle,
  type TableProblem,
  type TableRow,
} from './table-reader.js';
