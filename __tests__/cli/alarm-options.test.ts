/** The alarm options of `run`: each bad value, and each option that would do nothing, is a usage error (exit 2) before anything is written. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../harness/cli.js';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'alarm-options-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function cli(args: readonly string[]): Promise<{ code: number; stderr: string }> {
  const err: string[] = [];
  const code = await main(['run', '--out', join(work, 'never'), ...args], {
    stdout: () => {},
    stderr: (t) => err.push(t),
    env: {},
    cwd: work,
  });
  return { code, stderr: err.join('') };
}

test.each([
  [['--alarm-poll-interval', '0.1'], 'allowed for --alarm-poll-interval: a number from 0.5 to 60 (seconds)'],
  [['--alarm-publishing-allowance', '-1'], 'allowed for --alarm-publishing-allowance: a number from 0 to 3600 (seconds)'],
  [['--alarm-detection-bound', '0'], 'allowed for --alarm-detection-bound: a number from 1 to 86400 (seconds)'],
  [['--alarms', 'sometimes'], 'Allowed choices are assert, observe, off'],
  [['--guard-alarm', ''], 'allowed for --guard-alarm: an alarm name of 1 to 255 characters without control characters'],
  [
    ['--guard-alarm', 'pager'],
    '--guard-alarm = ["pager"]: allowed: only with --alarms assert or observe (the alarms are off by default on the local target)',
  ],
  [
    ['--alarms', 'off', '--alarm-clear-bound', '5'],
    '--alarm-clear-bound = 5: allowed: only with --alarms assert or observe (the alarms are off)',
  ],
  [
    ['--alarms', 'assert', '--expect', 'no-failover', '--fault', 'error:400'],
    '--alarms = "assert": allowed: off with --expect no-failover (a negative control',
  ],
])(
  'run %j exits 2: %s',
  async (args, message) => {
    const r = await cli(args);
    expect({ code: r.code, stderr: r.stderr.replace(/\s+/g, ' ') }).toEqual({ code: 2, stderr: expect.stringContaining(message) });
    expect(existsSync(join(work, 'never'))).toBe(false);
  },
  60_000,
);
