/**
 * The leak check of the test environment (__tests__/support/environment.js), run as jest itself
 * runs it in CI: two workers, each a child process whose stdout and stderr are pipes to jest.
 * Files that only print or read stdin pass; a file that leaves a server listening fails, named.
 */
import { expect, test } from '@jest/globals';
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = process.cwd();
const fixtures = join(root, '__tests__/support/fixtures/leak-check');

test('two workers: printing or reading stdin is not a leak, a listening server is', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'leak-check-'));
  try {
    const config = join(dir, 'jest.config.json');
    writeFileSync(
      config,
      JSON.stringify({
        rootDir: fixtures,
        testMatch: ['**/*.fixture.js'],
        testEnvironment: join(root, '__tests__/support/environment.js'),
        transform: {},
      }),
    );
    const out = join(dir, 'results.json');
    const run = await execa(
      process.execPath,
      ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', join(root, 'node_modules/jest/bin/jest.js'),
        '--config', config, '--maxWorkers=2', '--no-cache', '--json', '--outputFile', out],
      { cwd: root, reject: false, env: { EDGE_FAILOVER_TEST_CLOSE_GRACE_MS: '300' } },
    );
    const results = JSON.parse(readFileSync(out, 'utf8')) as {
      testResults: { name: string; status: string; message: string }[];
    };
    const byFile = Object.fromEntries(results.testResults.map((r) => [r.name.slice(fixtures.length + 1), r]));
    expect(Object.keys(byFile).sort()).toEqual(['leaves-server.fixture.js', 'prints.fixture.js', 'reads-stdin.fixture.js']);
    expect(byFile['prints.fixture.js']!.status).toBe('passed');
    expect(byFile['reads-stdin.fixture.js']!.status).toBe('passed');
    expect(byFile['leaves-server.fixture.js']!.status).toBe('failed');
    expect(byFile['leaves-server.fixture.js']!.message).toMatch(/left open after its last hook.*\n.*server listening on 127\.0\.0\.1:\d+/);
    expect(run.exitCode).toBe(1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
