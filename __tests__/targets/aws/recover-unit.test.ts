/**
 * `recover` without the AWS stub: a journal left unfinished by a run (a fault owed), finished through
 * a backend that records what it is asked to undo. The AWS CLI is a stand-in that only says it is v2
 * (recover insists on v2 before anything changes). safety.test.ts drives recover end to end.
 *
 * Invariants: every owed fault is undone through the backend that made it, with the tools the run
 * recorded unless the caller gives others; a dry run (decide says no) changes nothing and leaves the
 * run unfinished; the stack's lock is released whatever happens; no unfinished run is "not found".
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KeyedRegistry } from '../../../core/keyed-registry.js';
import { recover, recoveryToolOptions } from '../../../harness/targets/aws/recover.js';
import { appRunnerBackend } from '../../../harness/targets/aws/backends/app-runner.js';
import type { BackendContext, ServiceBackend } from '../../../harness/targets/aws/backends/service-backend.js';
import { RunLedger } from '../../../harness/targets/aws/safety/ledger.js';
import { openTestLedger } from '../../support/aws/run-ledger.js';
import { readJournal } from '../../../harness/targets/aws/safety/journal.js';
import type { FinishContext } from '../../../harness/targets/aws/safety/finish.js';
import { resolveWaits } from '../../../harness/targets/aws/tools/waits.js';
import type { Journal, JournalFault } from '../../../harness/targets/aws/wire.js';

const root = mkdtempSync(join(tmpdir(), 'recover-unit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
/** An AWS CLI v2 stand-in: `--version` only. */
const awsV2 = join(root, 'aws-v2');
writeFileSync(awsV2, '#!/bin/sh\necho "aws-cli/2.17.0 Python/3.12.6 Linux/6.0 exe/x86_64"\n');
chmodSync(awsV2, 0o755);
const ARN = 'arn:aws:apprunner:us-east-1:123456789012:service/shop-primary/1';
const fault = (n: number): JournalFault => ({
  backend: 'apprunner',
  role: 'primary',
  region: 'us-east-1',
  serviceArn: `${ARN}${n}`,
  resource: `${ARN}${n}`,
  undoCommands: [{ region: 'us-east-1', args: ['apprunner', 'resume-service', '--service-arn', `${ARN}${n}`] }],
});

let runs = 0;
/** A run on its own state directory, left unfinished with `owed` faults; recorded tools as given. */
async function unfinished(owed: number, recorded: { awsCli?: string; endpointUrl?: string; profile?: string } = { awsCli: awsV2 }) {
  runs += 1;
  const stateDir = join(root, `state${runs}`);
  const ledger = await openTestLedger({ stateDir, stackDir: root, run: runs, stack: 'shop', recorded });
  for (let i = 0; i < owed; i += 1) await ledger.faultOwed(fault(i), 'RUNNING');
  await ledger.release();
  return stateDir;
}

/** A backend keyed like App Runner's that undoes by journaling, recording what it was given. */
function recording(fail: ReadonlySet<string> = new Set()) {
  const undone: { resource: string; binary: string; args: string[]; leakSettleMs: unknown; transitionMs: number }[] = [];
  const backend: ServiceBackend = {
    ...appRunnerBackend,
    async undo(ctx: BackendContext, f, ledger) {
      undone.push({
        resource: f.resource,
        binary: ctx.cli.binary,
        args: ctx.cli.commonArgs(f.region),
        leakSettleMs: (ctx as Partial<FinishContext>).leakSettleMs,
        transitionMs: ctx.waits.serviceTransitionMs,
      });
      if (fail.has(f.resource)) throw new Error(`resume of ${f.resource} refused`);
      await ledger.faultUndone(f.resource, 'resumed');
      return `Resumed ${f.resource}.`;
    },
  };
  return { backends: new KeyedRegistry([backend], { noun: 'compute backends', field: 'service.backend' }), undone };
}

const signal = () => new AbortController().signal;
const lockFree = async (stateDir: string) => {
  // The lock is released: another run may open the stack.
  const again = await RunLedger.reopen(stateDir, 'shop');
  await again.ledger?.release();
};

describe('recover', () => {
  test('every owed fault is undone through its backend, with the AWS CLI the run recorded; the run is finished', async () => {
    const stateDir = await unfinished(2);
    const { backends, undone } = recording();
    const lines: string[] = [];
    const r = await recover({ stack: 'shop', stateDir, backends, log: (l) => lines.push(l) }, signal());
    expect(undone.map((u) => u.resource)).toEqual([`${ARN}0`, `${ARN}1`]);
    expect(undone.every((u) => u.binary === awsV2)).toBe(true);
    expect(r).toMatchObject({ found: true, ok: true });
    expect(r.detail).toContain(`Resumed ${ARN}0.`);
    expect(r.journal?.faults).toEqual([]);
    expect(r.journal?.finishedAt).toBeDefined();
    expect((await readJournal(stateDir, 'shop'))?.finishedAt).toBeDefined();
    expect(lines.some((l) => l.startsWith(`recovering run run${runs} (run, existing) started `))).toBe(true);
    await lockFree(stateDir);
  });

  test('an undo that fails: not ok, that fault still owed, the others undone, the lock released', async () => {
    const stateDir = await unfinished(2);
    const { backends, undone } = recording(new Set([`${ARN}0`]));
    const r = await recover({ stack: 'shop', stateDir, backends }, signal());
    expect(undone.map((u) => u.resource)).toEqual([`${ARN}0`, `${ARN}1`]);
    expect(r.ok).toBe(false);
    expect(r.journal?.faults.map((f) => f.resource)).toEqual([`${ARN}0`]);
    await lockFree(stateDir);
    // The journal is still unfinished: a second recover finds it.
    const again = await recover({ stack: 'shop', stateDir, backends: recording().backends }, signal());
    expect(again).toMatchObject({ found: true, ok: true });
  });

  test('a dry run (decide says no) changes nothing: the faults stay owed, the run unfinished, the lock released', async () => {
    const stateDir = await unfinished(1);
    const { backends, undone } = recording();
    const seen: Journal[] = [];
    const r = await recover(
      {
        stack: 'shop',
        stateDir,
        backends,
        decide: (j) => {
          seen.push(j);
          return Promise.resolve(false);
        },
      },
      signal(),
    );
    expect(seen.map((j) => j.faults.map((f) => f.resource))).toEqual([[`${ARN}0`]]);
    expect(undone).toEqual([]);
    expect(r).toEqual({ found: true, ok: true, detail: `Dry run: run run${runs} on stack "shop" is left unfinished.`, journal: seen[0] });
    expect((await readJournal(stateDir, 'shop'))?.faults.map((f) => f.resource)).toEqual([`${ARN}0`]);
    await lockFree(stateDir);
    // decide saying yes goes ahead.
    const yes = await recover({ stack: 'shop', stateDir, backends, decide: () => Promise.resolve(true) }, signal());
    expect(yes.ok).toBe(true);
    expect(undone.map((u) => u.resource)).toEqual([`${ARN}0`]);
  });

  test('no unfinished run: not found, ok, nothing asked, named with the state directory', async () => {
    const stateDir = join(root, 'empty');
    const { backends, undone } = recording();
    let asked = false;
    const r = await recover({ stack: 'shop', stateDir, backends, decide: () => ((asked = true), Promise.resolve(true)) }, signal());
    expect(r).toEqual({
      found: false,
      ok: true,
      detail: `No unfinished run on stack "shop" (journals in ${stateDir}).`,
      journal: undefined,
    });
    expect(asked).toBe(false);
    expect(undone).toEqual([]);
    // A finished run is not found either.
    const done = await unfinished(1);
    await recover({ stack: 'shop', stateDir: done, backends }, signal());
    expect(await recover({ stack: 'shop', stateDir: done, backends }, signal())).toMatchObject({ found: false, ok: true });
  });

  test('an AWS CLI that is not v2 is refused before anything is undone; the run stays unfinished and unlocked', async () => {
    const stateDir = await unfinished(1, { awsCli: fileURLToPath(new URL('../../support/aws/bin-v1/aws', import.meta.url)) });
    const { backends, undone } = recording();
    await expect(recover({ stack: 'shop', stateDir, backends }, signal())).rejects.toThrow(/AWS CLI/);
    expect(undone).toEqual([]);
    expect((await readJournal(stateDir, 'shop'))?.faults).toHaveLength(1);
    await lockFree(stateDir);
  });

  test("the caller's tools win over the recorded ones; the recorded ones fill what the caller leaves out", async () => {
    const stateDir = await unfinished(1, { awsCli: '/not/there/aws', endpointUrl: 'http://recorded:1', profile: 'recorded' });
    const { backends, undone } = recording();
    await recover({ stack: 'shop', stateDir, backends, awsCli: awsV2, endpointUrl: 'http://given:2' }, signal());
    expect(undone).toHaveLength(1);
    expect(undone[0]!.binary).toBe(awsV2);
    expect(undone[0]!.args.join(' ')).toContain('--endpoint-url http://given:2');
    expect(undone[0]!.args.join(' ')).toContain('--profile recorded');
  });
});

describe('recover: where it looks and what it finishes with', () => {
  test('without a state directory, the journals are those of .drill in the working directory', async () => {
    const cwd = process.cwd();
    const here = join(root, `cwd${runs + 1}`);
    const stateDir = join(here, '.drill');
    mkdirSync(here);
    runs += 1;
    const ledger = await openTestLedger({ stateDir, stackDir: root, run: runs, stack: 'shop', recorded: { awsCli: awsV2 } });
    await ledger.faultOwed(fault(0), 'RUNNING');
    await ledger.release();
    const { backends, undone } = recording();
    process.chdir(here);
    try {
      const r = await recover({ stack: 'shop', backends }, signal());
      expect(r).toMatchObject({ found: true, ok: true });
      expect(undone.map((u) => u.resource)).toEqual([`${ARN}0`]);
      const none = await recover({ stack: 'elsewhere', backends }, signal());
      expect(none.detail).toBe(`No unfinished run on stack "elsewhere" (journals in ${stateDir}).`);
    } finally {
      process.chdir(cwd);
    }
  });

  test('a log directory that does not exist yet is made, its parents too, before anything is undone', async () => {
    const stateDir = await unfinished(1);
    const logDir = join(root, `logs${runs}`, 'deep', 'er');
    const { backends } = recording();
    await recover({ stack: 'shop', stateDir, logDir, backends }, signal());
    expect(existsSync(logDir)).toBe(true);
  });

  test("the undo runs under the caller's waits and leftover settle time; by default teardown's (60 s)", async () => {
    for (const [given, settle] of [
      [{}, 60_000],
      [{ leakSettleMs: 0 }, 0],
      [{ leakSettleMs: 5 }, 5],
    ] as const) {
      const stateDir = await unfinished(1);
      const { backends, undone } = recording();
      await recover({ stack: 'shop', stateDir, backends, ...given, waits: { serviceTransitionMs: 1234 } }, signal());
      expect(undone.map((u) => [u.leakSettleMs, u.transitionMs])).toEqual([
        [settle, resolveWaits({ serviceTransitionMs: 1234 }).serviceTransitionMs],
      ]);
    }
  });
});

describe('recoveryToolOptions', () => {
  const journal = (options: Partial<Journal['options']>) =>
    ({ options: { stateDir: '/s', terraformOverrides: [], ...options } }) as unknown as Journal;
  const recorded = { endpointUrl: 'http://r:1', awsCli: '/r/aws', profile: 'r', terraform: '/r/terraform' };

  test('each tool: the given one if given, else the recorded one, else none', () => {
    expect(recoveryToolOptions({}, journal(recorded))).toEqual(recorded);
    const given = { endpointUrl: 'http://g:2', awsCli: '/g/aws', profile: 'g', terraform: '/g/terraform' };
    expect(recoveryToolOptions(given, journal(recorded))).toEqual(given);
    expect(recoveryToolOptions({}, journal({}))).toEqual({});
    for (const k of Object.keys(recorded) as (keyof typeof recorded)[]) {
      expect(recoveryToolOptions({ [k]: given[k] }, journal(recorded))).toEqual({ ...recorded, [k]: given[k] });
      expect(recoveryToolOptions({}, journal({ [k]: recorded[k] }))).toEqual({ [k]: recorded[k] });
    }
    // A tool neither given nor recorded is left out, so a default laid under the result is kept.
    const defaults = { endpointUrl: 'http://d:3', awsCli: '/d/aws', profile: 'd', terraform: '/d/terraform' };
    expect({ ...defaults, ...recoveryToolOptions({}, journal({})) }).toEqual(defaults);
    for (const k of Object.keys(recorded) as (keyof typeof recorded)[]) {
      expect({ ...defaults, ...recoveryToolOptions({}, journal({ [k]: recorded[k] })) }).toEqual({ ...defaults, [k]: recorded[k] });
    }
    // Other options pass through untouched.
    expect(recoveryToolOptions({ awsAttempts: 2 }, journal({}))).toEqual({ awsAttempts: 2 });
  });
});
