import { isDependencyOutage } from './dependency-outage';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDependencyOutage', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED'), true],
    [
      'a refused connection inside an AggregateError',
      new AggregateError([withCode('ECONNREFUSED')]),
      true,
    ],
    ['a reset wrapped by TypeORM', { driverError: withCode('ECONNRESET') }, true],
    ['pg losing the connection', new Error('Connection terminated unexpectedly'), true],
    ['the pool giving up', new Error('timeout exceeded when trying to connect'), true],
    ['PostgreSQL shutting down', withCode('57P01'), true],
    ['too many connections', withCode('53300'), true],
    ['SQLSTATE class 08', withCode('08006'), true],
    [
      'ioredis with no offline queue',
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      true,
    ],
    ['an outage as the cause', new Error('wrapped', { cause: withCode('ETIMEDOUT') }), true],
    ['a unique violation', withCode('23505'), false],
    ['a plain bug', new TypeError('undefined is not a function'), false],
    ['not an error at all', 'oops', false],
  ])('%s', (_name, error, outage) => {
    expect(isDependencyOutage(error)).toBe(outage);
  });
});
