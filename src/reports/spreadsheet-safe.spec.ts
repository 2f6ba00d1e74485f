import { safeCell, spreadsheetSafe } from './spreadsheet-safe';

describe('spreadsheetSafe', () => {
  it.each([
    ['=HYPERLINK("http://x","y")', `'=HYPERLINK("http://x","y")`],
    ['+cmd|" /C calc"!A0', `'+cmd|" /C calc"!A0`],
    ['-1+2', `'-1+2`],
    ['@SUM(A1:A2)', `'@SUM(A1:A2)`],
    ['\t=1+1', `'\t=1+1`],
    ['\r=1+1', `'\r=1+1`],
    ['\0=1+1', `'\0=1+1`],
    ['=', `'=`],
    ['Zoë Ó Briain', 'Zoë Ó Briain'],
    ['NELFT NHS Foundation Trust', 'NELFT NHS Foundation Trust'],
    ['a=b', 'a=b'],
    [' =1+1', ' =1+1'],
    ["'=already quoted", "'=already quoted"],
    ['2018-01-08', '2018-01-08'],
    ['', ''],
  ])('%j becomes %j', (input, expected) => {
    expect(spreadsheetSafe(input)).toBe(expected);
  });
});

describe('safeCell', () => {
  it.each([
    [-12.5, -12.5],
    [0, 0],
    [83.3, 83.3],
    [null, null],
    ['-12.5', `'-12.5`],
    ['=1', `'=1`],
    ['pass', 'pass'],
  ])('%j becomes %j', (input, expected) => {
    expect(safeCell(input)).toBe(expected);
  });
});
