import { spawn } from 'node:child_process';
import { escapeLiteral } from 'pg';
import { accreditationExportQuery } from '../src/reports/accreditation.query';
import type { BenchRequest } from './scenarios';

export interface ExportMeasure {
  status: number;
  ms: number;
  bytes: number;
  /** Data rows (lines after the header). */
  rows: number;
}

/** Downloads the export, counting bytes and lines as they stream (nothing is kept). */
export async function downloadExport(
  baseUrl: string,
  request: BenchRequest,
): Promise<ExportMeasure> {
  const started = performance.now();
  const res = await fetch(`${baseUrl}${request.path}`, {
    method: request.method,
    headers: request.headers,
  });
  let bytes = 0;
  let lines = 0;
  if (res.body) {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.byteLength;
      for (const byte of chunk) if (byte === 10) lines++;
    }
  }
  return {
    status: res.status,
    ms: performance.now() - started,
    bytes,
    rows: Math.max(0, lines - 1),
  };
}

/** A bind parameter as an SQL literal (COPY takes no parameters). */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (Array.isArray(value)) {
    return escapeLiteral(
      `{${value.map((v) => `"${String(v).replace(/(["\\])/g, '\\$1')}"`).join(',')}}`,
    );
  }
  if (value instanceof Date) return escapeLiteral(value.toISOString());
  if (typeof value === 'string' || typeof value === 'number') return escapeLiteral(String(value));
  throw new Error(`No SQL literal for the parameter ${JSON.stringify(value)}`);
}

/**
 * The export's own SQL (accreditationExportQuery, as the reports service builds it) with its
 * parameters inlined, ready for COPY.
 */
export function exportCopySql(cohortIds: readonly string[]): string {
  const { sql, params } = accreditationExportQuery(cohortIds);
  const inlined = sql.replace(/\$(\d+)/g, (_, n: string) => literal(params[Number(n) - 1]));
  return `COPY (${inlined}) TO STDOUT WITH (FORMAT csv, HEADER)`;
}

/**
 * The baseline: `COPY (same query) TO STDOUT` through psql, i.e. PostgreSQL producing the same
 * rows as CSV with no Node in the way. Null when psql is not installed.
 */
export function copyBaseline(
  databaseUrl: string,
  cohortIds: readonly string[],
): Promise<ExportMeasure | null> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // The statement goes in on stdin: with thousands of cohort ids inlined it is longer than
    // one command-line argument may be (E2BIG).
    const psql = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', databaseUrl], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    psql.stdin.on('error', () => undefined);
    psql.stdin.end(`${exportCopySql(cohortIds)};\n`);
    let bytes = 0;
    let lines = 0;
    let stderr = '';
    psql.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      for (const byte of chunk) if (byte === 10) lines++;
    });
    psql.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    psql.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ENOENT' ? resolve(null) : reject(error),
    );
    psql.on('close', (code) => {
      if (code !== 0) return reject(new Error(`psql COPY failed (${code}): ${stderr.trim()}`));
      resolve({
        status: 200,
        ms: performance.now() - started,
        bytes,
        rows: Math.max(0, lines - 1),
      });
    });
  });
}
