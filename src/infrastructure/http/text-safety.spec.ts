import { findUnsafeText } from './text-safety';

describe('findUnsafeText', () => {
  it.each([
    ['clean text', { title: 'Open Dialogue', n: 3, tags: ['a', 'b'] }, undefined, undefined],
    ['emoji (a surrogate pair) is fine', { title: 'ok \u{1F600}' }, undefined, undefined],
    ['NUL in a field', { title: 'a\u0000b' }, undefined, 'title'],
    [
      'NUL deep in an array',
      { records: [{ note: 'x' }, { note: '\u0000' }] },
      undefined,
      'records.1.note',
    ],
    ['NUL in a key', { 'ti\u0000tle': 'x' }, undefined, 'ti\u0000tle'],
    ['lone high surrogate', { email: '\ud800@example.org' }, undefined, 'email'],
    ['lone low surrogate', { email: 'a\udc00' }, undefined, 'email'],
    ['a named query or path value', 'a\u0000', 'search', 'search'],
    ['a raw text body', 'x,y\n\u0000', undefined, 'body'],
  ])('%s', (_name, value, root, field) => {
    expect(findUnsafeText(value, root)?.field).toBe(field);
  });

  it('gives the line of a NUL in multi-line text', () => {
    expect(findUnsafeText('a,b\nc,d\ne\u0000,f', 'csv')?.message).toBe(
      'csv must not contain a NUL character (line 3)',
    );
  });

  it('walks very deep values without overflowing the stack', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findUnsafeText(deep)?.message).toMatch(/NUL/);
  });
});
