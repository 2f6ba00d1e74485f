import { stringify } from 'csv-stringify';
import type * as ExcelJS from 'exceljs';
import { Transform, type TransformCallback, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { exceljs } from '../common/lazy-require';
import { AccreditationRow, headerCells, ReportColumn, rowCells } from './accreditation-columns';
import { CellValue, safeCell } from './spreadsheet-safe';

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';
export const XLSX_CONTENT_TYPE =
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * Writes the rows as CSV into `out`, header first. The file starts with a UTF-8 byte order mark
 * (spreadsheet programs otherwise guess a legacy encoding and mangle accents) and uses CRLF
 * record ends (RFC 4180). Backpressure runs end to end through `pipeline`: the source is only
 * read when the stringifier, and so `out`, has room. Resolves when `out` has ended; rejects
 * (after destroying every stream) when any of them fails or `out` is closed early.
 */
export async function writeCsv(
  rows: AsyncIterable<AccreditationRow>,
  columns: readonly ReportColumn[],
  out: Writable,
): Promise<number> {
  let count = 0;
  const stringifier = stringify({ bom: true, record_delimiter: 'windows' });
  async function* records() {
    yield headerCells(columns);
    for await (const row of rows) {
      count++;
      yield rowCells(columns, row);
    }
  }
  await pipeline(records, stringifier, coalesce(), out);
  return count;
}

/** Bytes gathered before a CSV chunk is passed on: about 300 rows. */
const CSV_CHUNK_BYTES = 64 * 1024;

/**
 * Gathers the stringifier's one-record chunks into chunks of about 64 KB. Without it each
 * record is its own write to the socket: 14,000 small writes (and as many reads by the client)
 * for a 14,000-row export, which cost more than producing the rows.
 */
function coalesce(): Transform {
  let pending: Buffer[] = [];
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      pending.push(chunk);
      size += chunk.length;
      if (size >= CSV_CHUNK_BYTES) {
        this.push(Buffer.concat(pending, size));
        pending = [];
        size = 0;
      }
      done();
    },
    flush(done: TransformCallback) {
      if (size > 0) this.push(Buffer.concat(pending, size));
      done();
    },
  });
}

/**
 * Writes the rows as a one-sheet XLSX into `out` with exceljs's streaming writer: each row is
 * serialised and committed as it arrives. Text goes in as inline strings (no shared-strings table
 * to grow), numbers as numbers, null as an empty cell; no cell is ever a formula.
 *
 * Backpressure: exceljs 4 writes each committed row towards the zip's compressor without looking
 * at the return value, so left alone the queue in front of the compressor (and the process's
 * memory) grows with the number of rows: the compressor takes one 64 KB chunk per event-loop
 * turn or so, far slower than rows arrive. After each row this waits while that queue, or `out`,
 * is over its high-water mark; both drain only as fast as the compressor and the client go.
 */
export async function writeXlsx(
  rows: AsyncIterable<AccreditationRow>,
  columns: readonly ReportColumn[],
  out: Writable,
  sheetName = 'Accreditation',
): Promise<number> {
  let count = 0;
  const workbook = new (exceljs().stream.xlsx.WorkbookWriter)({
    stream: out,
    useStyles: false,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet(sheetName, {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  sheet.columns = columns.map((c) => ({ width: c.width }));
  sheet.addRow(headerCells(columns)).commit();
  for await (const row of rows) {
    if (out.destroyed) throw closedEarly();
    sheet.addRow(rowCells(columns, row)).commit();
    count++;
    const compressor = zipInput(sheet);
    if (needsDrain(compressor)) await drained(compressor, out);
    if (out.writableNeedDrain) await drained(out, out);
  }
  sheet.commit();
  await workbook.commit();
  return count;
}

/** A small workbook built in memory (the annual summary: a few rows per cohort). */
export async function xlsxBuffer(
  sheetName: string,
  header: readonly string[],
  rows: ReadonlyArray<readonly CellValue[]>,
): Promise<Buffer> {
  const workbook = new (exceljs().Workbook)();
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = header.map((h) => ({ width: Math.max(10, h.length + 2) }));
  sheet.addRow(header.map((h) => safeCell(h)));
  for (const row of rows) sheet.addRow(row.map((v) => safeCell(v)));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function closedEarly(): Error {
  return Object.assign(new Error('The response was closed before the export finished'), {
    code: 'ERR_STREAM_PREMATURE_CLOSE',
  });
}

/**
 * The stream the worksheet's XML is piped into on its way to the zip's compressor: exceljs 4
 * keeps it in the worksheet's internal buffer stream (`stream.pipes`), which its typings do not
 * declare. It is a readable-stream 2 PassThrough, which predates `writableNeedDrain`, hence the
 * look at `_writableState`. Undefined until the zip starts on the entry, or if a later exceljs
 * changes this, in which case only `out` paces the writer (bench/report-export.ts would show it).
 */
type ZipInput = Writable & { _writableState?: { needDrain?: boolean } };

function zipInput(sheet: ExcelJS.Worksheet): ZipInput | undefined {
  const internal = sheet as unknown as { stream?: { pipes?: ZipInput[] } };
  const target = internal.stream?.pipes?.[0];
  return target && typeof target.on === 'function' ? target : undefined;
}

function needsDrain(stream: ZipInput | undefined): stream is ZipInput {
  return Boolean(stream && (stream.writableNeedDrain ?? stream._writableState?.needDrain));
}

/**
 * Resolves when `stream` emits 'drain'; rejects if `out` (the response) closes first, so a client
 * that hangs up never leaves the export waiting on a compressor nobody reads.
 */
function drained(stream: Writable, out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const watched = [...new Set([stream, out])];
    const settle = (error?: Error) => {
      stream.off('drain', onDrain);
      for (const s of watched) {
        s.off('close', onClose);
        s.off('error', settle);
      }
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => settle();
    const onClose = () => settle(closedEarly());
    stream.on('drain', onDrain);
    for (const s of watched) {
      s.on('close', onClose);
      s.on('error', settle);
    }
  });
}
