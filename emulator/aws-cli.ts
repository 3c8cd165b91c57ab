/**
 * The real AWS CLI v2 against the emulated AWS: one --endpoint-url (the router), fake
 * credentials, no config files, so nothing can reach a real AWS endpoint.
 */
import { execa } from 'execa';
import { FAKE_CREDENTIALS } from './world.js';

/**
 * The AWS CLI v2 the tests drive: /usr/bin/aws (the `aws` first on PATH may be version 1), or what
 * AWS_CLI_V2 names (in the test suite, the fork of __tests__/support/aws-cli-fork; or a wrapper that
 * counts the calls).
 */
export const AWS_CLI_V2 = process.env['AWS_CLI_V2'] ?? '/usr/bin/aws';

export async function emulatedAws(endpoint: string, region: string, args: readonly string[], timeoutMs = 60_000): Promise<any> {
  const r = await execa(AWS_CLI_V2, ['--endpoint-url', endpoint, '--region', region, '--output', 'json', ...args], {
    env: {
      ...FAKE_CREDENTIALS,
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_PAGER: '',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    extendEnv: false,
    timeout: timeoutMs,
    cancelSignal: AbortSignal.timeout(timeoutMs + 5_000),
  });
  return r.stdout.trim() ? JSON.parse(r.stdout) : {};
}

/** Polls describe-service until the status is `want`; throws with the last status after timeoutMs. */
export async function waitForServiceStatus(endpoint: string, region: string, arn: string, want: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = (await emulatedAws(endpoint, region, ['apprunner', 'describe-service', '--service-arn', arn])).Service.Status;
    if (last === want) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`service ${arn} is ${last}, not ${want}, after ${timeoutMs} ms`);
}

/**
 * What the emulated AWS still holds in the given regions: tagged resources (tagging GetResources,
 * which the moto patch makes list EventBridge rules and Route 53 health checks), distributions
 * and health checks. KMS keys pending deletion are reported apart: real AWS keeps them too.
 */
export async function leftovers(
  endpoint: string,
  regions: readonly string[],
): Promise<{ resources: string[]; kmsPendingDeletion: string[] }> {
  const resources: string[] = [];
  const kmsPendingDeletion: string[] = [];
  for (const region of regions) {
    const tagged = await emulatedAws(endpoint, region, ['resourcegroupstaggingapi', 'get-resources']);
    for (const r of tagged.ResourceTagMappingList as { ResourceARN: string }[]) {
      if (/^arn:[^:]+:kms:/.test(r.ResourceARN)) {
        const key = await emulatedAws(endpoint, region, ['kms', 'describe-key', '--key-id', r.ResourceARN]);
        if (key.KeyMetadata.KeyState === 'PendingDeletion') {
          kmsPendingDeletion.push(r.ResourceARN);
          continue;
        }
      }
      resources.push(r.ResourceARN);
    }
  }
  const dists = await emulatedAws(endpoint, 'us-east-1', ['cloudfront', 'list-distributions']);
  for (const d of (dists.DistributionList?.Items ?? []) as { ARN: string }[]) resources.push(d.ARN);
  const checks = await emulatedAws(endpoint, 'us-east-1', ['route53', 'list-health-checks']);
  for (const c of (checks.HealthChecks ?? []) as { Id: string }[]) resources.push(`route53 health check ${c.Id}`);
  return { resources: [...new Set(resources)], kmsPendingDeletion };
}
