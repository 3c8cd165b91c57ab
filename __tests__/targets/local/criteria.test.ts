/**
 * The edge's rules come from the synthesized stack: the failover criteria and the
 * attempts × timeouts change when the config (or a tfvars file) changes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hit, never, provision, removeTempDirs, synthTestStack, tempDir, testConfig, type Provisioned } from './helpers.js';

afterAll(() => removeTempDirs());

async function withWorld<T>(tfJsonPath: string, fn: (w: Provisioned) => Promise<T>, tfvarsPath?: string): Promise<T> {
  const w = await provision(tfJsonPath, tfvarsPath);
  try {
    return await fn(w);
  } finally {
    await w.target.teardown(never());
  }
}

describe('failover criteria from the synthesized stack', () => {
  test('with the default criteria, a paused primary is failed over', async () => {
    await withWorld(synthTestStack(testConfig()), async (w) => {
      expect(w.endpoints.details.failoverStatusCodes).toBe('404,500,502,503,504');
      await w.target.inject('primary', { kind: 'pause' }, never());
      const s = await hit(w.endpoints.edgeUrl, 'GET', '/');
      expect([s.status, s.edgeOrigin, s.servedBy, s.failover]).toEqual([200, 'secondary', 'secondary/us-west-2', 'status-404']);
    });
  });

  test('with 404 removed from the config’s criteria, a paused primary is not failed over', async () => {
    await withWorld(synthTestStack(testConfig({ statusCodes: [500, 502, 503, 504] })), async (w) => {
      await w.target.inject('primary', { kind: 'pause' }, never());
      const s = await hit(w.endpoints.edgeUrl, 'GET', '/');
      expect([s.status, s.edgeOrigin, s.servedBy, s.failover]).toEqual([404, 'primary', undefined, undefined]);
    });
  });

  test('an HCL tfvars file overrides the criteria the stack declares', async () => {
    const tfvars = join(tempDir(), 'no404.tfvars');
    writeFileSync(tfvars, 'failover_status_codes = [500, 502, 503, 504]\n');
    await withWorld(
      synthTestStack(testConfig()),
      async (w) => {
        await w.target.inject('primary', { kind: 'pause' }, never());
        const s = await hit(w.endpoints.edgeUrl, 'GET', '/');
        expect([s.status, s.edgeOrigin]).toEqual([404, 'primary']);
      },
      tfvars,
    );
  });

  test('a JSON tfvars file overrides them too', async () => {
    const tfvars = join(tempDir(), 'only404.tfvars.json');
    writeFileSync(tfvars, JSON.stringify({ failover_status_codes: [404] }));
    await withWorld(
      synthTestStack(testConfig()),
      async (w) => {
        await w.target.inject('primary', { kind: 'error', status: 503 }, never());
        const s = await hit(w.endpoints.edgeUrl, 'GET', '/');
        expect([s.status, s.edgeOrigin, s.servedBy]).toEqual([503, 'primary', 'primary/us-east-1']);
      },
      tfvars,
    );
  });
});

describe('attempts × timeouts', () => {
  test('two attempts: a hung primary costs two read timeouts before failover', async () => {
    await withWorld(synthTestStack(testConfig({ connectionAttempts: 2 })), async (w) => {
      await w.target.inject('primary', { kind: 'blackhole' }, never());
      const [get, post] = await Promise.all([
        hit(w.endpoints.edgeUrl, 'GET', '/'),
        hit(w.endpoints.edgeUrl, 'POST', w.endpoints.writePath!),
      ]);
      expect([get.status, get.edgeOrigin, get.attempts, get.failover]).toEqual([200, 'secondary', 'primary=2,secondary=1', 'read-timeout']);
      expect(get.ms).toBeGreaterThanOrEqual(1_950);
      // Writes are not retried after a response timeout: one read timeout, then 504.
      expect([post.status, post.edgeOrigin, post.attempts]).toEqual([504, 'primary', 'primary=1']);
      expect(post.ms).toBeGreaterThanOrEqual(950);
      expect(post.ms).toBeLessThan(get.ms);
    });
  });

  test('two attempts: a refused connection is tried twice, then failed over at once', async () => {
    await withWorld(synthTestStack(testConfig({ connectionAttempts: 2 })), async (w) => {
      await w.target.inject('primary', { kind: 'refuse' }, never());
      const s = await hit(w.endpoints.edgeUrl, 'GET', '/');
      expect([s.status, s.edgeOrigin, s.attempts, s.failover]).toEqual([200, 'secondary', 'primary=2,secondary=1', 'connect-refused']);
      expect(s.ms).toBeLessThan(900);
    });
  });

  test.each([1, 2])(
    '%i attempt(s): an unreachable primary costs attempts × connection timeout; a write gets 504 after as long',
    async (attempts) => {
      await withWorld(synthTestStack(testConfig({ connectionAttempts: attempts, connectionTimeoutSeconds: 1 })), async (w) => {
        await w.target.inject('primary', { kind: 'unreachable' }, never());
        const [get, post] = await Promise.all([
          hit(w.endpoints.edgeUrl, 'GET', '/'),
          hit(w.endpoints.edgeUrl, 'POST', w.endpoints.writePath!),
        ]);
        const bound = attempts * 1_000;
        expect([get.status, get.edgeOrigin, get.servedBy, get.attempts, get.failover]).toEqual([
          200,
          'secondary',
          'secondary/us-west-2',
          `primary=${attempts},secondary=1`,
          'connect-timeout',
        ]);
        expect(get.ms).toBeGreaterThanOrEqual(bound - 50);
        expect(get.ms).toBeLessThan(bound + 1_500);
        // A connection that never completes is retried for every method.
        expect([post.status, post.edgeOrigin, post.attempts]).toEqual([504, 'primary', `primary=${attempts}`]);
        expect(post.ms).toBeGreaterThanOrEqual(bound - 50);
        expect(post.ms).toBeLessThan(bound + 1_500);
      });
    },
  );

  test('the read timeout comes from the stack: 2 s lets a 1.5 s primary serve', async () => {
    await withWorld(synthTestStack(testConfig({ readTimeoutSeconds: 2 })), async (w) => {
      expect(w.endpoints.details.primaryReadTimeoutSeconds).toBe('2');
      await w.target.inject('primary', { kind: 'slow', ms: 1_500 }, never());
      const s = await hit(w.endpoints.edgeUrl, 'GET', '/');
      expect([s.status, s.edgeOrigin]).toEqual([200, 'primary']);
    });
  });
});
