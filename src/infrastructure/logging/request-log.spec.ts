import { loggablePath } from './request-log';

describe('loggablePath', () => {
  it.each([
    ['/api/v1/me', '/api/v1/me'],
    ['/api/v1/students?search=Ioana', '/api/v1/students'],
    ['/calendar/Zq8x-secret-token.ics', '/calendar/[redacted]'],
    ['/api/v1/verify/ABCD-EFGH-JKLM', '/api/v1/verify/[redacted]'],
    ['/verify/ABCD-EFGH-JKLM?x=1', '/verify/[redacted]'],
    ['/api/v1/enrolments/0d6c/attendance', '/api/v1/enrolments/0d6c/attendance'],
    [undefined, ''],
  ])('%s -> %s', (url, expected) => {
    expect(loggablePath(url)).toBe(expected);
  });
});
