/**
 * `dr-drill switch-writes --to secondary|primary`: points a deployed stack's write router at a
 * region by hand (the project's default way to switch), then waits, with progress and a bound,
 * until the edge serves writes from that region. The wait is the KeyValueStore's propagation to
 * the edge, which AWS does not publish: the command measures it and prints it.
 *
 * Served by the drivers that have a `switchWrites` (AWS; its options, e.g. --kvs-arn and --aws-cli,
 * are the driver's): the local world's router is switched by the drill itself (`dr-drill run --write-probe`).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { request } from 'undici';
import { EdgeFailoverError } from '../../core/errors.js';
import { WRITE_REGIONS, type WriteRegion } from '../../modules/write-router/function-code.js';
import { roleFromServedBy } from '../analysis/attribution.js';
import { type CommonOptions, type WriteRouterSwitch, loadCommandConfig } from '../targets/driver.js';
import { samplePath } from '../cloudfront/path-pattern.js';
import { integer, optionalVerbFor, path, seconds, withTargetOptions } from './common.js';
import type { CommandContext } from './context.js';

interface SwitchOptions extends CommonOptions {
  readonly to: string;
  readonly domain?: string;
  readonly edgeUrl?: string;
  readonly writePath?: string;
  readonly timeout: number;
  readonly interval: number;
  readonly confirmations: number;
}

export function switchWritesCommand(program: Command, ctx: CommandContext, setExit: (code: number) => void): void {
  withTargetOptions(
    program
      .command('switch-writes')
      .description("point a deployed stack's write router at a region and wait until the edge serves writes from it (AWS)"),
    'switch-writes',
    ['config', 'cdktfOut'],
  )
    .requiredOption('--to <region>', `the region that serves writes: ${WRITE_REGIONS.join(' or ')}`)
    .option('--domain <name>', "the domain viewers use (default: the deployed stack's terraform output distribution_domain_name)")
    .option('--edge-url <url>', 'the edge base URL instead of https://<domain> (an emulator, a test)')
    .option('--write-path <path>', 'path the confirming writes POST to (default: from failover.writePaths)', path('--write-path'))
    .option('--timeout <seconds>', 'bound on waiting for the edge to follow', seconds('--timeout', 1, 7200), 600)
    .option('--interval <seconds>', 'seconds between confirming writes', seconds('--interval', 0.1, 60), 2)
    .option('--confirmations <count>', 'consecutive writes from the region that confirm the switch', integer('--confirmations', 1, 100), 3)
    .action(async (_o: unknown, cmd: Command) => {
      const { serve, opts } = optionalVerbFor(cmd, 'switch-writes', ctx);
      setExit(await switchWrites(opts as SwitchOptions, () => serve(opts, ctx), ctx));
    });
}

/** `routerOf` is called once the command's own inputs are checked. */
async function switchWrites(o: SwitchOptions, routerOf: () => Promise<WriteRouterSwitch>, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  if (!(WRITE_REGIONS as readonly string[]).includes(o.to)) {
    throw new EdgeFailoverError('usage', `--to = ${JSON.stringify(o.to)}: allowed: ${WRITE_REGIONS.join(', ')}`);
  }
  const to = o.to as WriteRegion;
  const edgeUrlOf = (u: string | undefined, domain: string | undefined, from: string) => {
    if (u === undefined) return undefined;
    if (/^https?:\/\/[^/\s]+$/.test(u)) return u;
    throw new EdgeFailoverError(
      'usage',
      `${from} = ${JSON.stringify(domain ?? u)}: allowed: a domain (xxxx.cloudfront.net) or an http(s)://host[:port] URL without a path`,
    );
  };
  // Given explicitly, checked before anything else; otherwise the deployed stack's (routerOf reads it).
  const givenEdgeUrl =
    o.edgeUrl !== undefined
      ? edgeUrlOf(o.edgeUrl, undefined, '--edge-url')
      : edgeUrlOf(o.domain && `https://${o.domain}`, o.domain, '--domain');
  let writePath = o.writePath;
  if (!writePath) {
    const config = await loadCommandConfig(o, io);
    const pattern = config.failover.writePaths[0];
    if (!pattern || !config.failover.writeRouter) {
      throw new EdgeFailoverError(
        'usage',
        'failover.writeRouter = false or failover.writePaths = []: allowed: a config with the write router on and a write path (or pass --write-path)',
      );
    }
    writePath = samplePath(pattern);
  }
  const signal = AbortSignal.timeout((o.timeout + 120) * 1000);
  const router = await routerOf();
  const edgeUrl =
    givenEdgeUrl ??
    edgeUrlOf(router.edgeDomain && `https://${router.edgeDomain}`, router.edgeDomain, 'terraform output distribution_domain_name');
  if (edgeUrl === undefined) {
    throw new EdgeFailoverError('usage', '--domain or --edge-url: allowed: the domain viewers use, needed when the stack is not read');
  }
  const before = await router.active(signal);
  io.stdout(`switch-writes: active-region is ${before}; setting it to ${to}, then confirming with writes to ${edgeUrl}${writePath}\n`);
  const t0 = Date.now();
  if (!(await router.set(to, signal))) return 0;
  io.stdout(
    `switch-writes: active-region = ${to} (${((Date.now() - t0) / 1000).toFixed(1)} s); waiting for ${o.confirmations} consecutive writes served by the ${to} at ${edgeUrl}${writePath}\n`,
  );

  const setAt = Date.now();
  const deadline = setAt + o.timeout * 1000;
  let run = 0;
  let n = 0;
  let firstAt: number | undefined;
  for (;;) {
    n++;
    let seen = 'no answer';
    try {
      const res = await request(`${edgeUrl}${writePath}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': `switch-writes-${setAt}-${n}` },
        body: JSON.stringify({ switchWrites: to, n }),
        signal: AbortSignal.any([signal, AbortSignal.timeout(10_000)]),
      });
      await res.body.dump();
      const header = res.headers['x-served-by'];
      const role = roleFromServedBy(Array.isArray(header) ? header[0] : header);
      seen = `${res.statusCode} from ${role ?? 'an unknown origin'}`;
      if (res.statusCode >= 200 && res.statusCode < 300 && role === to) {
        firstAt ??= Date.now();
        run++;
      } else {
        run = 0;
        firstAt = undefined;
      }
    } catch (e) {
      seen = (e as Error).message;
      run = 0;
      firstAt = undefined;
    }
    const elapsed = ((Date.now() - setAt) / 1000).toFixed(1);
    io.stdout(`switch-writes: +${elapsed} s write ${n}: ${seen} (${run}/${o.confirmations})\n`);
    if (run >= o.confirmations) {
      io.stdout(
        `switch-writes: the edge serves writes from the ${to} ${((firstAt! - setAt) / 1000).toFixed(1)} s after the key was set (KeyValueStore propagation, measured)\n`,
      );
      return 0;
    }
    if (Date.now() > deadline) {
      io.stderr(
        `switch-writes: the edge did not serve ${o.confirmations} consecutive writes from the ${to} within ${o.timeout} s; active-region stays ${to}\n`,
      );
      return 3;
    }
    await sleep(o.interval * 1000, undefined, { signal });
  }
}
