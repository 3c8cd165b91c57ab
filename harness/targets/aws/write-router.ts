/**
 * The write router's switch on AWS: the active-region key of the router's KeyValueStore,
 * read and written through the AWS CLI wrapper (`aws cloudfront-keyvaluestore`). PutKey needs
 * the store's current ETag (IfMatch), so every write is describe, then put. A successful put changes
 * the ETag, so when a put's answer is lost its retry is refused on the stale ETag although the key
 * was set: a put without a clear answer is decided by reading the key back (get-key), never assumed
 * (docs/aws-behaviour/write-router.md#keyvaluestore-api).
 *
 * The KeyValueStore data-plane API is signed with SigV4A in the real CLI, and the CLI must be
 * new enough to have the service at all: the Debian AWS CLI 2.9.19 predates it. A CLI without
 * it is a usage error that says so, before anything is changed.
 */
import { ACTIVE_REGION_KEY, WRITE_REGIONS, type WriteRegion } from '../../../modules/write-router/function-code.js';
import { KEY_VALUE_STORE_CLI_SERVICE } from '../../../core/aws-facts.js';
import type { AwsCli } from './tools/aws-cli.js';
import { AwsTargetError, CommandError } from './tools/errors.js';
import { firstLineOf } from './tools/retry.js';

/** CloudFront KeyValueStore is a global service; the CLI signs its calls for us-east-1. */
const KVS_REGION = 'us-east-1';
const KVS_ARN = /^arn:aws[a-z-]*:cloudfront::\d{12}:key-value-store\/[A-Za-z0-9-]+$/;

export class WriteRouterSwitch {
  constructor(
    private readonly cli: AwsCli,
    private readonly kvsArn: string,
    private readonly log: (line: string) => void = () => {},
  ) {
    if (!KVS_ARN.test(kvsArn)) {
      throw new AwsTargetError(
        'usage',
        `--kvs-arn = ${JSON.stringify(kvsArn)}: allowed: a KeyValueStore ARN (arn:aws:cloudfront::<account>:key-value-store/<id>; terraform output write_router_kvs_arn)`,
      );
    }
  }

  /** The region the key names now; "unset" when the key is missing. */
  async active(signal: AbortSignal): Promise<WriteRegion | 'unset' | string> {
    try {
      const r = await this.call<{ Value?: string }>('get-key', ['--kvs-arn', this.kvsArn, '--key', ACTIVE_REGION_KEY], signal);
      return r.Value ?? 'unset';
    } catch (e) {
      if (e instanceof CommandError && /ResourceNotFoundException/.test(e.stderr) && /key/i.test(e.stderr)) return 'unset';
      throw e;
    }
  }

  /**
   * Sets active-region to `to`: describe for the ETag, then put-key with IfMatch. A put that failed
   * in any way (a refusal of a retry after a lost answer included) is decided by get-key: the key
   * reading `to` is a switch made; anything else is an error naming what the key reads.
   */
  async set(to: WriteRegion, signal: AbortSignal): Promise<void> {
    if (!(WRITE_REGIONS as readonly string[]).includes(to)) {
      throw new AwsTargetError('usage', `--to = ${JSON.stringify(to)}: allowed: ${WRITE_REGIONS.join(', ')}`);
    }
    const d = await this.call<{ ETag?: string }>('describe-key-value-store', ['--kvs-arn', this.kvsArn], signal);
    if (!d.ETag) throw new AwsTargetError('external', `describe-key-value-store for ${this.kvsArn} returned no ETag`);
    const args = ['--kvs-arn', this.kvsArn, '--key', ACTIVE_REGION_KEY, '--value', to, '--if-match', d.ETag];
    const r = await this.cli.mutate(KEY_VALUE_STORE_CLI_SERVICE, 'put-key', args, KVS_REGION, signal);
    if (r.ok) return;
    noKeyValueStoreCommands(this.cli, r.error);
    const why = `${r.attempts} attempt${r.attempts === 1 ? '' : 's'}, the last: ${firstLineOf(r.error)}`;
    this.log(`put-key ${ACTIVE_REGION_KEY}=${to} failed (${why}); reading the key back before deciding`);
    const now = await this.active(signal);
    if (now === to) {
      this.log(`get-key reads ${ACTIVE_REGION_KEY}=${to}: the put took effect although its answer was lost`);
      return;
    }
    throw new AwsTargetError(
      'external',
      `put-key ${ACTIVE_REGION_KEY}=${to} failed (${why}), and get-key reads ${now}: the key is not set`,
      {
        cause: r.error,
        recovery: `Run switch-writes again (it reads the key and the store's ETag afresh); a refusal on the ETag (ConflictException) means another writer changed the store meanwhile`,
      },
    );
  }

  private async call<T>(operation: string, args: string[], signal: AbortSignal): Promise<T> {
    try {
      return await this.cli.call<T>(KEY_VALUE_STORE_CLI_SERVICE, operation, args, KVS_REGION, signal);
    } catch (e) {
      noKeyValueStoreCommands(this.cli, e);
      throw e;
    }
  }
}

/** Throws the usage error of a CLI that has no cloudfront-keyvaluestore commands, when `e` says so. */
function noKeyValueStoreCommands(cli: AwsCli, e: unknown): void {
  if (e instanceof CommandError && /Invalid choice/.test(e.stderr) && /argument command/.test(e.stderr)) {
    throw new AwsTargetError(
      'usage',
      `the AWS CLI ${cli.binary} has no cloudfront-keyvaluestore commands (it predates the CloudFront KeyValueStore API): ` +
        'install a current AWS CLI v2 and pass it with --aws-cli',
      { cause: e },
    );
  }
}
