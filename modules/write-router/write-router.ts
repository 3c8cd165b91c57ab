import { Construct } from 'constructs';
import type { TerraformProvider } from 'cdktf';
import { CloudfrontFunction } from '@cdktf/provider-aws/lib/cloudfront-function/index.js';
import { CloudfrontKeyValueStore } from '@cdktf/provider-aws/lib/cloudfront-key-value-store/index.js';
import { CloudfrontkeyvaluestoreKey } from '@cdktf/provider-aws/lib/cloudfrontkeyvaluestore-key/index.js';
import { nameAfterPath } from '../naming.js';
import { invalid } from '../validation.js';
import {
  ACTIVE_REGION_KEY,
  INITIAL_WRITE_REGION,
  WRITE_ROUTER_RUNTIME,
  writeRouterCode,
  type WriteRouterOrigins,
} from './function-code.js';

export interface WriteRouterProps {
  /** A provider for us-east-1, where CloudFront is managed. */
  readonly provider: TerraformProvider;
  /** Name of the function and of the KeyValueStore: 1–64 of A-Z a-z 0-9 - _. */
  readonly name: string;
  /** The distribution's origin ids of the two regions. */
  readonly origins: WriteRouterOrigins;
}

/**
 * The write router: a KeyValueStore holding `active-region` (initially primary) and a
 * viewer-request CloudFront Function, associated with it, that sends each request to the
 * origin the key names. The distribution attaches `functionArn` to its write behaviors.
 *
 * The key's value is Terraform's only at creation: the switch (`dr-drill switch-writes`)
 * changes it through the KeyValueStore API, and `ignore_changes` keeps the next apply from
 * switching writes back.
 */
export class WriteRouter extends Construct {
  readonly function: CloudfrontFunction;
  readonly keyValueStore: CloudfrontKeyValueStore;
  readonly functionArn: string;
  readonly keyValueStoreArn: string;

  constructor(scope: Construct, id: string, props: WriteRouterProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(props.name)) {
      invalid(this, 'name', props.name, '1 to 64 characters from A-Z a-z 0-9 - _ (CloudFront function and KeyValueStore names)');
    }
    this.keyValueStore = nameAfterPath(
      new CloudfrontKeyValueStore(this, 'store', {
        provider: props.provider,
        name: props.name,
        comment: 'Write router: the region that serves writes (key active-region).',
      }),
    );
    nameAfterPath(
      new CloudfrontkeyvaluestoreKey(this, 'active-region', {
        provider: props.provider,
        keyValueStoreArn: this.keyValueStore.arn,
        key: ACTIVE_REGION_KEY,
        value: INITIAL_WRITE_REGION,
        lifecycle: { ignoreChanges: ['value'] },
      }),
    );
    this.function = nameAfterPath(
      new CloudfrontFunction(this, 'function', {
        provider: props.provider,
        name: props.name,
        runtime: WRITE_ROUTER_RUNTIME,
        comment: 'Write router: sends writes to the region named by active-region.',
        code: writeRouterCode(props.origins),
        publish: true,
        keyValueStoreAssociations: [this.keyValueStore.arn],
      }),
    );
    this.functionArn = this.function.arn;
    this.keyValueStoreArn = this.keyValueStore.arn;
  }
}
