import { testConfig } from './helpers/test-app';
import { assertTestDatabaseUrl } from './setup/test-database';

/** The guard reads the URL tests are about to use, whoever made it. */
describe('test database guard', () => {
  it.each([
    ['a development database', 'postgres://postgres@127.0.0.1:5432/pod_cohorts'],
    ['the server default', 'postgres://postgres@127.0.0.1:5432/postgres'],
    ['no database at all', 'postgres://postgres@127.0.0.1:5432'],
    ['not a URL', 'pod_cohorts_test'],
    ['nothing', undefined],
  ])('refuses %s', (_label, url) => {
    expect(() => assertTestDatabaseUrl(url)).toThrow(/Refusing/);
  });

  it('accepts a test database', () => {
    expect(() =>
      assertTestDatabaseUrl('postgres://postgres@127.0.0.1:5432/pod_cohorts_test_123_ab12cd'),
    ).not.toThrow();
  });

  it('an app or worker for tests refuses to boot on any other database', () => {
    expect(() =>
      testConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/pod_cohorts' }),
    ).toThrow('Refusing to use database "pod_cohorts"');
  });

  it("this worker's database is a test database of its own", () => {
    const url = process.env.TEST_DATABASE_URL;
    expect(() => assertTestDatabaseUrl(url)).not.toThrow();
    expect(new URL(url as string).pathname.slice(1)).toBe(process.env.TEST_DATABASE_NAME);
    expect(process.env.TEST_QUEUE_PREFIX).toMatch(/^pod-test-[0-9a-f]{8}-w\d+$/);
  });
});
