import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { CertificateIssuingService } from '../src/certificates/certificate-issuing.service';
import { QUEUES } from '../src/infrastructure/queues/queue-names';
import { makeCompletedCohort } from './helpers/certificate-factories';
import { createTestApp, TestApp } from './helpers/test-app';

jest.setTimeout(120_000);

describe('public certificate verification', () => {
  let t: TestApp;
  let code: string;
  let serial: string;
  let holderName: string;

  beforeAll(async () => {
    t = await createTestApp({ VERIFY_MAX_PER_MINUTE: '1000' });
    const c = await makeCompletedCohort(t.db, 1);
    const [enrolment] = c.enrolments;
    // A name that must be escaped on the page.
    await t.db.query(
      `UPDATE students SET given_name = 'Zoë <b>', family_name = 'O''Brien & "Co"' WHERE id = $1`,
      [enrolment.studentId],
    );
    const { certificateId } = await t.app.get(CertificateIssuingService).issue(enrolment.id);
    const [row] = await t.db.query(
      `SELECT verification_code, serial, holder_name FROM certificates WHERE id = $1`,
      [certificateId],
    );
    code = row.verification_code;
    serial = row.serial;
    holderName = row.holder_name;
  });
  afterAll(() => t.close());

  it('accepts the code in any case, with hyphens, spaces or none', async () => {
    const grouped = `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8, 12)}-${code.slice(12)}`;
    for (const form of [code, grouped, grouped.toLowerCase(), ` ${grouped.replace(/-/g, ' ')} `]) {
      const res = await t.http().get(`/api/v1/verify/${encodeURIComponent(form)}`);
      expect([form, res.status]).toEqual([form, 200]);
      expect(res.body.serial).toBe(serial);
    }
  });

  it('answers only the public facts', async () => {
    const res = await t.http().get(`/api/v1/verify/${code}`);
    expect(Object.keys(res.body).sort()).toEqual(
      ['cohortName', 'courseTitle', 'holderName', 'issuedAt', 'serial', 'status'].sort(),
    );
    expect(res.body).toMatchObject({ status: 'valid', holderName: 'Zoë <b> O\'Brien & "Co"' });
    expect(JSON.stringify(res.body)).not.toMatch(/@pod\.test|graduate|contact/i);
  });

  it('unknown and malformed codes are 404, as JSON problems and as a page', async () => {
    for (const bad of [
      'ABCD-EFGH-JKMN-PQ',
      'ABCD-EFGH-JKMN-P0',
      'short',
      'x'.repeat(300),
      '%3Cscript%3E',
    ]) {
      const res = await t.http().get(`/api/v1/verify/${bad}`);
      expect([bad, res.status]).toEqual([bad, 404]);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const page = await t.http().get('/verify/%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    expect(page.status).toBe(404);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('Certificate not found');
    expect(page.text).not.toContain('<script>');
    expect(page.text).toContain('&lt;script&gt;');
  });

  it('the page is an accessible NHS.UK-styled document with every value escaped', async () => {
    const page = await t.http().get(`/verify/${code.toLowerCase()}`);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/^<!DOCTYPE html>/);
    expect(page.text).toMatch(/<html lang="en/);
    expect(page.text).toContain('id="maincontent"');
    expect(page.text).toContain('Zoë &lt;b&gt; O&#39;Brien &amp; &quot;Co&quot;');
    expect(page.text).not.toContain('<b> O');
    expect(page.text).toContain(serial);
    expect(page.text).toContain('nhsuk-tag--green');
    expect(holderName).toBe('Zoë <b> O\'Brien & "Co"');

    const css = page.text.match(/<link rel="stylesheet" href="([^"]+)">/)?.[1];
    expect(css).toBeDefined();
    const sheet = await t.http().get(css as string);
    expect(sheet.status).toBe(200);
    expect(sheet.headers['content-type']).toMatch(/^text\/css/);
    expect(sheet.text).toContain('.nhsuk-summary-list');
  });

  it('is rate limited per client address with Retry-After, on the JSON route and the page', async () => {
    const limited = await createTestApp({
      VERIFY_MAX_PER_MINUTE: '3',
      QUEUE_PREFIX: `${t.config.QUEUE_PREFIX}-verify-${Date.now()}`,
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++)
        statuses.push((await limited.http().get(`/api/v1/verify/${code}`)).status);
      expect(statuses).toEqual([200, 200, 200]);
      const json = await limited.http().get(`/api/v1/verify/${code}`);
      expect(json.status).toBe(429);
      expect(Number(json.headers['retry-after'])).toBeGreaterThan(0);
      expect(json.body.code).toBe('rate_limited');
      const page = await limited.http().get(`/verify/${code}`);
      expect(page.status).toBe(429);
      expect(Number(page.headers['retry-after'])).toBeGreaterThan(0);
      expect(page.text).toContain('Too many checks');
    } finally {
      // This prefix is outside the run's own, which the global teardown clears: clear it here.
      for (const name of Object.values(QUEUES)) {
        await limited.app.get<Queue>(getQueueToken(name)).obliterate({ force: true });
      }
      await limited.close();
    }
  });
});
