import { randomUUID } from 'node:crypto';
import { makeCompletedCohort } from './helpers/certificate-factories';
import { makeCertificate } from './helpers/enrolment-factories';
import { makeBlock } from './helpers/factories';
import { bearer, createTestApp, createUser, TestApp, TestUser } from './helpers/test-app';

/**
 * Fuzzes every operation of the OpenAPI document (/docs-json), as an administrator and without
 * a token, with hostile payloads: wrong types, huge numbers and strings, unknown properties,
 * NUL characters, lone surrogates, deep nesting, wrong content types, absurd limits and
 * offsets, malformed path ids. Any 5xx fails the test. Path ids are real rows where a
 * parameter's name says which (so payloads reach the services and the database), random
 * otherwise. The request count per operation is capped so the run stays well under a minute.
 */

type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  minimum?: number;
};
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}
interface Shot {
  kind: string;
  path: string;
  query?: string;
  contentType?: string;
  body?: string;
}

/** Operations that would end the fuzzing administrator's own session halfway. */
const SKIP = new Set(['post /api/v1/auth/logout']);
const MAX_SHOTS_PER_OPERATION = 60;
const TIME_BUDGET_MS = 40_000;

const HUGE_STRING = 'x'.repeat(60_000);
const HUGE_NUMBERS = [1e308, -1e308, 2 ** 63, 1.5, -1];
const ABSURD_QUERY = [
  '-1',
  '0',
  '99999999999999999999',
  '1e309',
  'NaN',
  'abc',
  '%00',
  '%ED%A0%80',
  '%F0%28%8C%28',
  'x'.repeat(5000),
  "1'; SELECT pg_sleep(1)--",
];
const BAD_IDS = [
  'not-a-uuid',
  '%00',
  '%ED%A0%80',
  'x'.repeat(2000),
  "'%20OR%201=1--",
  '-1',
  '1e309',
];

function resolve(doc: OpenApi, schema: Schema | undefined): Schema {
  let current = schema ?? {};
  for (let i = 0; i < 10 && current.$ref; i++) {
    current = doc.components.schemas[current.$ref.split('/').pop()!] ?? {};
  }
  if (current.allOf) {
    return current.allOf
      .map((s) => resolve(doc, s))
      .reduce<Schema>(
        (a, b) => ({ ...a, ...b, properties: { ...a.properties, ...b.properties } }),
        {},
      );
  }
  return current.oneOf?.[0] || current.anyOf?.[0]
    ? resolve(doc, (current.oneOf ?? current.anyOf)![0])
    : current;
}

/** A plausible value for a schema, so that one bad field at a time is what the server sees. */
function sample(
  doc: OpenApi,
  schema: Schema | undefined,
  ids: Map<string, string>,
  name = '',
  depth = 0,
): unknown {
  const s = resolve(doc, schema);
  if (s.enum?.length) return s.enum[0];
  if (s.properties || s.type === 'object') {
    if (depth > 4) return {};
    return Object.fromEntries(
      Object.entries(s.properties ?? {}).map(([key, child]) => [
        key,
        sample(doc, child, ids, key, depth + 1),
      ]),
    );
  }
  if (s.type === 'array') return depth > 4 ? [] : [sample(doc, s.items, ids, name, depth + 1)];
  if (s.type === 'integer' || s.type === 'number') return s.minimum ?? 1;
  if (s.type === 'boolean') return true;
  if (ids.has(name)) return ids.get(name);
  if (/email/i.test(name)) return `fuzz-${randomUUID().slice(0, 8)}@example.org`;
  if (s.format === 'uuid' || /Id$/.test(name)) return randomUUID();
  if (s.format === 'date-time' || /At$/.test(name)) return '2027-03-01T09:30:00Z';
  if (s.format === 'date' || /Date$/.test(name)) return '2027-03-01';
  return 'fuzz text';
}

function wrongType(value: unknown): unknown {
  if (typeof value === 'string') return 12345;
  if (typeof value === 'number') return 'not a number';
  if (typeof value === 'boolean') return 'yes';
  if (Array.isArray(value)) return { not: 'an array' };
  if (value && typeof value === 'object') return 'not an object';
  return [];
}

function bodyShots(path: string, base: Record<string, unknown>): Shot[] {
  const json = (kind: string, body: unknown): Shot => ({
    kind,
    path,
    contentType: 'application/json',
    body: JSON.stringify(body),
  });
  const shots: Shot[] = [
    json('unknown property', { ...base, fuzzUnknown: 1 }),
    json('empty object', {}),
    json('array body', [base]),
    json('scalar body', 42),
    {
      kind: 'nested JSON',
      path,
      contentType: 'application/json',
      body: `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`,
    },
    { kind: 'invalid JSON', path, contentType: 'application/json', body: '{"a":' },
    { kind: 'text/plain', path, contentType: 'text/plain', body: JSON.stringify(base) },
    { kind: 'xml', path, contentType: 'application/xml', body: '<a/>' },
    { kind: 'form', path, contentType: 'application/x-www-form-urlencoded', body: 'a=1&a=2&b=%00' },
  ];
  for (const [key, value] of Object.entries(base)) {
    shots.push(json(`${key}: wrong type`, { ...base, [key]: wrongType(value) }));
    shots.push(json(`${key}: null`, { ...base, [key]: null }));
    if (typeof value === 'number') {
      for (const n of HUGE_NUMBERS) shots.push(json(`${key}: ${n}`, { ...base, [key]: n }));
    } else if (Array.isArray(value)) {
      const item = value[0];
      const items =
        item && typeof item === 'object'
          ? Object.keys(item).map((k) => ({ ...item, [k]: `\u0000${k}` }))
          : ['\u0000', '\ud800'];
      shots.push(json(`${key}: NUL items`, { ...base, [key]: items }));
      shots.push(
        json(`${key}: 10,000 items`, {
          ...base,
          [key]: Array.from({ length: 10_000 }, () => item ?? 1),
        }),
      );
    } else {
      shots.push(json(`${key}: NUL`, { ...base, [key]: `a\u0000b` }));
      shots.push(json(`${key}: lone surrogate`, { ...base, [key]: `a\ud800b` }));
      shots.push(json(`${key}: huge string`, { ...base, [key]: HUGE_STRING }));
      shots.push(json(`${key}: huge number`, { ...base, [key]: 1e308 }));
    }
  }
  return shots;
}

function operationShots(
  doc: OpenApi,
  template: string,
  op: Operation,
  ids: Map<string, string>,
): Shot[] {
  const params = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const fill = (overrides: Record<string, string> = {}) =>
    template.replace(
      /\{(\w+)\}/g,
      (_m, name: string) => overrides[name] ?? ids.get(name) ?? randomUUID(),
    );
  const path = fill();
  const shots: Shot[] = [{ kind: 'plain', path }];
  for (const p of pathParams) {
    for (const bad of BAD_IDS)
      shots.push({ kind: `${p.name}=${bad.slice(0, 20)}`, path: fill({ [p.name]: bad }) });
  }
  for (const p of params.filter((x) => x.in === 'query')) {
    for (const bad of ABSURD_QUERY) {
      shots.push({ kind: `?${p.name}=${bad.slice(0, 20)}`, path, query: `${p.name}=${bad}` });
    }
    shots.push({ kind: `?${p.name} twice`, path, query: `${p.name}=1&${p.name}=2` });
    shots.push({ kind: `?${p.name}[a]`, path, query: `${p.name}[a]=1` });
  }
  if (params.some((x) => x.in === 'query')) {
    shots.push({
      kind: 'unknown query',
      path,
      query: 'fuzz=1&__proto__=x&constructor[prototype]=1',
    });
  }
  const content = op.requestBody?.content ?? {};
  if (content['application/json']) {
    const base = sample(doc, content['application/json'].schema, ids);
    shots.push(
      ...bodyShots(path, base && typeof base === 'object' ? (base as Record<string, unknown>) : {}),
    );
  } else if (content['text/csv']) {
    shots.push(
      {
        kind: 'csv NUL',
        path,
        contentType: 'text/csv',
        body: 'givenName,familyName,email,profession\nA\u0000,B,c@d.org,nurse\n',
      },
      {
        kind: 'csv surrogate',
        path,
        contentType: 'text/csv',
        body: 'givenName,familyName,email,profession\nA,B,\ud800@d.org,nurse\n',
      },
      {
        kind: 'csv garbage',
        path,
        contentType: 'text/csv',
        body: '"unterminated,\n\u0001\u0002,,,,,,,,,,,,\n',
      },
      { kind: 'csv as json', path, contentType: 'application/json', body: '{"csv":1}' },
    );
  } else {
    shots.push({
      kind: 'unexpected body',
      path,
      contentType: 'application/json',
      body: '{"a":"\\u0000"}',
    });
  }
  return shots.slice(0, MAX_SHOTS_PER_OPERATION);
}

describe('fuzzing every operation of the OpenAPI document', () => {
  let t: TestApp;
  let admin: TestUser;
  let doc: OpenApi;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    t = await createTestApp({
      LOGIN_MAX_FAILURES_PER_IP: '100000',
      LOGIN_MAX_FAILURES_PER_EMAIL: '100000',
    });
    admin = await createUser(t, 'admin');
    const tutor = await createUser(t, 'tutor');
    const completed = await makeCompletedCohort(t.db, 3);
    const block = await makeBlock(t.db, completed.cohort.id);
    const certificate = await makeCertificate(t.db, {
      id: completed.enrolments[0].id,
      cohortId: completed.cohort.id,
    });
    ids.set('courseId', completed.course.id);
    ids.set('cohortId', completed.cohort.id);
    ids.set('sessionId', completed.sessionId);
    ids.set('blockId', block.id);
    ids.set('enrolmentId', completed.enrolments[1].id);
    ids.set('studentId', completed.enrolments[2].studentId);
    ids.set('certificateId', certificate.id);
    ids.set('userId', tutor.id);
    ids.set('code', 'ESSAY');
    doc = (await t.http().get('/docs-json')).body as OpenApi;
  });
  afterAll(() => t.close());

  it('answers no hostile request with a 5xx', async () => {
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ method, path, op })),
    );
    expect(operations.length).toBeGreaterThan(50);
    const started = Date.now();
    const faults: string[] = [];
    const covered = new Set<string>();
    let sent = 0;
    for (const { method, path, op } of operations) {
      if (SKIP.has(`${method} ${path}`)) continue;
      // Over the time budget (a very busy machine), each remaining operation gets one shot.
      const all = operationShots(doc, path, op, ids);
      const shots = Date.now() - started > TIME_BUDGET_MS ? all.slice(0, 1) : all;
      for (const [i, shot] of shots.entries()) {
        // Every shot as the administrator; the first few also without a token.
        for (const who of i < 8 ? [admin, null] : [admin]) {
          const url = shot.query ? `${shot.path}?${shot.query}` : shot.path;
          let call = t.http()[method as 'post'](url);
          if (who) call = call.set(bearer(who));
          if (shot.contentType) call = call.set('content-type', shot.contentType).send(shot.body);
          const res = await call;
          sent++;
          covered.add(`${method} ${path}`);
          if (res.status >= 500) {
            faults.push(
              `${method.toUpperCase()} ${path} [${shot.kind}${who ? '' : ', no token'}] -> ${res.status}`,
            );
          }
          // An operation that ended the administrator's session: carry on as a fresh one.
          if (res.status === 401 && who) admin = await createUser(t, 'admin');
        }
      }
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      `fuzz: ${sent} requests over ${covered.size} of ${operations.length} operations in ${seconds} s; ${faults.length} answered 5xx\n`,
    );
    expect(faults).toEqual([]);
    expect(covered.size).toBe(operations.filter((o) => !SKIP.has(`${o.method} ${o.path}`)).length);
  });
});
