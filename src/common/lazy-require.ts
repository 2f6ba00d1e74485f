/**
 * A dependency loaded on first use rather than when the app starts: exceljs, pdfkit, nodemailer
 * and zxcvbn's dictionaries together are about 800 modules and 750 ms of loading (measured one
 * by one with plain node) on every start of the API, the worker and each e2e batch, for
 * features most processes use rarely or never. Loaded through `require`, so the built app and
 * the tests run the same (CommonJS) build of each; `import()` would pick some packages' ESM
 * builds instead. Type it with `typeof import('<id>')`.
 */
export function lazyRequire<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded ??= require(id) as T;
    return loaded;
  };
}

/** pdfkit's PDFDocument (certificates, sign-in sheets, the annual return). */
export const pdfkit = lazyRequire<typeof import('pdfkit')>('pdfkit');

/** exceljs (the accreditation export and the annual return). */
export const exceljs = lazyRequire<typeof import('exceljs')>('exceljs');
