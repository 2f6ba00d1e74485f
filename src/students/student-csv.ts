/**
 * Parsing and validating a student CSV: a pure function (no Nest, TypeORM or database), so the
 * import can validate every line before it writes anything, and the rules are unit-tested.
 *
 * Line numbers are physical lines of the file as an editor shows them (the header is line 1);
 * a record whose quoted field spans several lines is reported at the line where it starts.
 */
import { isEmail } from 'class-validator';
import { parse } from 'csv-parse/sync';
import { InvalidInputError } from '../common/errors';
import { acceptedLabels, parseCode, PROFESSIONS } from '../common/labels';

export const CSV_COLUMNS = [
  'givenName',
  'familyName',
  'email',
  'profession',
  'employer',
  'registrationNumber',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** employer and registrationNumber may be left out of the header: existing values then stay. */
export const REQUIRED_COLUMNS: readonly CsvColumn[] = [
  'givenName',
  'familyName',
  'email',
  'profession',
];

const MAX_LENGTH: Record<CsvColumn, number> = {
  givenName: 100,
  familyName: 100,
  email: 320,
  profession: 40,
  employer: 200,
  registrationNumber: 50,
};

/** Placeholder addresses of erased students live here; an import must never match them. */
export const ERASED_DOMAIN = 'erased.invalid';

/** A request is one transaction; this bounds its size (the body limit bounds the bytes). */
export const MAX_CSV_RECORDS = 50_000;

export interface StudentCsvRow {
  line: number;
  givenName: string;
  familyName: string;
  /** Lower-cased. */
  email: string;
  profession: string;
  employer: string | null;
  registrationNumber: string | null;
}

export interface CsvLineError {
  line: number;
  /** The column at fault, when there is one. */
  field?: CsvColumn;
  message: string;
}

export interface ParsedStudentCsv {
  /** Columns present in the header, in the file's order. */
  columns: CsvColumn[];
  rows: StudentCsvRow[];
  errors: CsvLineError[];
  /** Data records read (valid or not). */
  records: number;
}

interface RawRecord {
  fields: string[];
  /** The line on which the record ends (csv-parse counts lines so far). */
  endLine: number;
}

/**
 * The profession code a cell means: the code or its label, in any case, with spaces, hyphens or
 * underscores ("Peer support worker", "peer-support-worker", "PEER_SUPPORT_WORKER" all mean
 * `peer_support_worker`), since spreadsheets rarely hold the API's spelling. Null for anything
 * else, or a profession outside `allowed`.
 */
export function parseProfession(value: string, allowed?: readonly string[]): string | null {
  return parseCode(PROFESSIONS, value, allowed);
}

/**
 * Parses `text` and validates every record. Header problems (empty file, a missing required
 * column, an unknown or repeated column) throw InvalidInputError (400), since no line can be
 * judged without them; line problems are collected in `errors`, several per line if need be.
 */
export function parseStudentCsv(
  text: string,
  options: { professions: readonly string[] },
): ParsedStudentCsv {
  const errors: CsvLineError[] = [];
  const records: RawRecord[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  let lastEnd = 0;
  /** The first non-blank physical line after `after`: where a broken record began. */
  const nextContentLine = (after: number) => {
    let line = after + 1;
    while (line < lines.length && lines[line - 1].trim() === '') line++;
    return line;
  };

  try {
    parse(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      skip_records_with_error: true,
      on_record: (record: string[], context) => {
        records.push({ fields: record, endLine: context.lines });
        lastEnd = context.lines;
        return null;
      },
      on_skip: (error) => {
        const line = nextContentLine(lastEnd);
        errors.push({ line, message: `Malformed CSV: ${describeCsvError(error?.code)}` });
        lastEnd = typeof error?.lines === 'number' ? error.lines : line;
        return undefined;
      },
    });
  } catch (error) {
    const e = error as { code?: string; lines?: number };
    errors.push({
      line: nextContentLine(lastEnd),
      message: `Malformed CSV: ${describeCsvError(e.code)}`,
    });
  }

  const startLine = (r: RawRecord) =>
    r.endLine - r.fields.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0);

  const [header, ...data] = records;
  if (!header) {
    throw new InvalidInputError('empty_csv', 'The CSV has no header line', [
      { field: 'body', message: `the first line must be the header ${CSV_COLUMNS.join(',')}` },
    ]);
  }
  const columns = readHeader(header.fields);
  if (data.length > MAX_CSV_RECORDS) {
    throw new InvalidInputError(
      'too_many_records',
      `A CSV may hold at most ${MAX_CSV_RECORDS} students; split the file`,
      [{ field: 'body', message: `at most ${MAX_CSV_RECORDS} data lines` }],
    );
  }

  const firstLineOfEmail = new Map<string, number>();
  const rows: StudentCsvRow[] = [];
  for (const record of data) {
    const line = startLine(record);
    if (record.fields.length !== columns.length) {
      errors.push({
        line,
        message: `Expected ${columns.length} fields (as in the header), found ${record.fields.length}`,
      });
      continue;
    }
    const value = (column: CsvColumn): string => {
      const index = columns.indexOf(column);
      return index < 0 ? '' : record.fields[index];
    };
    const lineErrors: CsvLineError[] = [];
    const problem = (field: CsvColumn, message: string) =>
      lineErrors.push({ line, field, message: `${field}: ${message}` });

    for (const column of columns) {
      const v = value(column);
      if (v.length > MAX_LENGTH[column]) {
        problem(column, `must be at most ${MAX_LENGTH[column]} characters`);
      }
    }
    for (const column of REQUIRED_COLUMNS) {
      if (value(column) === '') problem(column, 'is required');
    }
    const email = value('email').toLowerCase();
    if (email !== '' && !isEmail(email)) {
      problem('email', `"${email}" is not a valid email address`);
    } else if (email.endsWith(`@${ERASED_DOMAIN}`)) {
      problem('email', `addresses at ${ERASED_DOMAIN} are reserved for erased records`);
    }
    const profession =
      value('profession') === '' ? '' : parseProfession(value('profession'), options.professions);
    if (profession === null) {
      problem(
        'profession',
        `"${value('profession')}" is not one of ${acceptedLabels(PROFESSIONS, options.professions)}`,
      );
    }
    if (email !== '') {
      const first = firstLineOfEmail.get(email);
      if (first !== undefined) problem('email', `${email} also appears on line ${first}`);
      else firstLineOfEmail.set(email, line);
    }
    if (lineErrors.length) {
      errors.push(...lineErrors);
      continue;
    }
    rows.push({
      line,
      givenName: value('givenName'),
      familyName: value('familyName'),
      email,
      profession: profession ?? '',
      employer: value('employer') || null,
      registrationNumber: value('registrationNumber') || null,
    });
  }
  errors.sort((a, b) => a.line - b.line);
  return { columns, rows, errors, records: data.length };
}

function readHeader(fields: string[]): CsvColumn[] {
  const byLowerName = new Map<string, CsvColumn>(CSV_COLUMNS.map((c) => [c.toLowerCase(), c]));
  const problems: Array<{ field: string; message: string }> = [];
  const columns: CsvColumn[] = [];
  for (const name of fields) {
    const column = byLowerName.get(name.toLowerCase());
    if (!column) problems.push({ field: 'header', message: `unknown column "${name}"` });
    else if (columns.includes(column))
      problems.push({ field: 'header', message: `column ${column} appears twice` });
    else columns.push(column);
  }
  for (const column of REQUIRED_COLUMNS) {
    if (!columns.includes(column)) {
      problems.push({ field: 'header', message: `required column ${column} is missing` });
    }
  }
  if (problems.length) {
    throw new InvalidInputError(
      'invalid_csv_header',
      `The CSV header must be ${CSV_COLUMNS.join(',')} (any order): ` +
        problems.map((p) => p.message).join('; '),
      problems,
    );
  }
  return columns;
}

const CSV_ERROR_MESSAGES: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
  CSV_INVALID_OPENING_QUOTE: 'a quote appears inside an unquoted field',
  INVALID_OPENING_QUOTE: 'a quote appears inside an unquoted field',
  CSV_INVALID_CLOSING_QUOTE: 'a quoted field is followed by more characters before the comma',
};

function describeCsvError(code: string | undefined): string {
  return (code && CSV_ERROR_MESSAGES[code]) || 'the line cannot be read as CSV';
}
