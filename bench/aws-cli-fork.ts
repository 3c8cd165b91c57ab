/**
 * The test suite's AWS CLI fork (__tests__/support/aws-cli-fork) against /usr/bin/aws: the CPU and
 * wall time of one call, each way, in the same run. A round makes --calls sequential calls each way,
 * alternating, of `aws sts get-caller-identity` answered by a local STS endpoint (XML, as the query
 * protocol answers). CPU per call: the children's CPU this process waited for (/proc/self/stat:
 * the real CLI, or the fork's client), plus for the fork what its forked CLIs used (the server's
 * own count). Medians over --rounds rounds (default 5) and their ratio, fork / real.
 * Writes results/aws-cli-fork.json.
 *
 *   npx tsx bench/aws-cli-fork.ts [--rounds N] [--calls N]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { startAwsCliFork } from '../__tests__/support/aws-cli-fork/global-setup.js';
import { identityXml } from '../__tests__/support/aws-cli-fork/sts-answers.js';
import { median, round } from './stats.js';

const REAL = '/usr/bin/aws';
const REPO = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, calls: { type: 'string', default: '10' } } });
const rounds = Number(values.rounds);
const calls = Number(values.calls);
for (const [name, n] of [
  ['--rounds', rounds],
  ['--calls', calls],
] as const) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} ${n}: allowed: a whole number from 1`);
}

/** CPU seconds of the children this process has waited for (utime + stime of the reaped ones). */
function childrenCpuS(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // After "pid (comm) ": state is field 3, so cutime (16) and cstime (17) are at 13 and 14.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

async function main(): Promise<void> {
  const sts = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/xml' }).end(identityXml('123456789012')));
  });
  await new Promise<void>((done) => sts.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(sts.address() as AddressInfo).port}`;
  const env = {
    PATH: '/usr/bin:/bin',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const call = async (binary: string) => {
    const t0 = performance.now();
    const r = await execa(binary, ['sts', 'get-caller-identity', '--endpoint-url', url, '--region', 'us-east-1', '--output', 'json'], {
      env,
      extendEnv: false,
    });
    if (!r.stdout.includes('123456789012')) throw new Error(`${binary}: unexpected answer: ${r.stdout}`);
    return performance.now() - t0;
  };

  const perRound: Array<{ realCpuS: number; forkCpuS: number; realWallMs: number; forkWallMs: number }> = [];
  try {
    for (let r = 0; r < rounds; r++) {
      const fork = await startAwsCliFork(REAL);
      let realCpu = 0;
      let clientCpu = 0;
      const realWall: number[] = [];
      const forkWall: number[] = [];
      let served = { calls: 0, childrenS: 0 };
      try {
        for (let i = 0; i < calls; i++) {
          let before = childrenCpuS();
          realWall.push(await call(REAL));
          realCpu += childrenCpuS() - before;
          before = childrenCpuS();
          forkWall.push(await call(fork.client));
          clientCpu += childrenCpuS() - before;
        }
      } finally {
        served = await fork.stop();
      }
      if (served.calls !== calls) throw new Error(`the fork server forked ${served.calls} calls, expected ${calls}`);
      perRound.push({
        realCpuS: realCpu / calls,
        forkCpuS: (clientCpu + served.childrenS) / calls,
        realWallMs: median(realWall),
        forkWallMs: median(forkWall),
      });
      console.error(`round ${r + 1}/${rounds}: ${JSON.stringify(perRound.at(-1))}`);
    }
  } finally {
    await new Promise((done) => sts.close(done));
  }
  const m = (k: keyof (typeof perRound)[number]) => median(perRound.map((p) => p[k]));
  const results = {
    generatedAt: new Date().toISOString(),
    command: `npx tsx bench/aws-cli-fork.ts --rounds ${rounds} --calls ${calls}`,
    machine: { node: process.version, cpus: cpus().length, loadAverage: loadavg().map((l) => round(l, 2)) },
    notes:
      'One call: aws sts get-caller-identity against a local STS endpoint. CPU: the real CLI process; for the fork, its client plus the forked CLI. Medians over rounds of the per-round means (CPU) and medians (wall).',
    medians: {
      realCpuSeconds: round(m('realCpuS'), 3),
      forkCpuSeconds: round(m('forkCpuS'), 3),
      cpuRatio: round(m('forkCpuS') / m('realCpuS'), 3),
      realWallMs: round(m('realWallMs'), 1),
      forkWallMs: round(m('forkWallMs'), 1),
      wallRatio: round(m('forkWallMs') / m('realWallMs'), 3),
    },
    rounds: perRound.map((p) => ({
      realCpuS: round(p.realCpuS, 3),
      forkCpuS: round(p.forkCpuS, 3),
      realWallMs: round(p.realWallMs, 1),
      forkWallMs: round(p.forkWallMs, 1),
    })),
  };
  mkdirSync(join(REPO, 'bench', 'results'), { recursive: true });
  writeFileSync(join(REPO, 'bench', 'results', 'aws-cli-fork.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results.medians, null, 2));
}

await main();
