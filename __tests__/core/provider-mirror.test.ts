/**
 * Which filesystem mirror the terraform tests install hashicorp/aws from: only a version the mirror
 * holds whole for this platform (the executable unpacked, or the package zipped). A version
 * directory without the executable is passed over and named, so the suites that need the provider
 * skip with that reason instead of failing in terraform init or plan.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsProviderIn, PLATFORM } from '../support/offline.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

type Entry = { version: string; layout: 'unpacked' | 'packed' | 'empty' | 'not-executable'; platform?: string };

/** A mirror holding the given versions in the given layouts. */
function mirror(entries: readonly Entry[]): string {
  const root = mkdtempSync(join(tmpdir(), 'provider-mirror-'));
  roots.push(root);
  const aws = join(root, 'registry.terraform.io', 'hashicorp', 'aws');
  mkdirSync(aws, { recursive: true });
  for (const { version, layout, platform = PLATFORM } of entries) {
    if (layout === 'packed') {
      writeFileSync(join(aws, `terraform-provider-aws_${version}_${platform}.zip`), 'PK');
      continue;
    }
    const dir = join(aws, version, platform);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'LICENSE.txt'), 'license');
    if (layout === 'empty') continue;
    const exe = join(dir, `terraform-provider-aws_v${version}_x5`);
    writeFileSync(exe, '#!/bin/sh\n');
    chmodSync(exe, layout === 'unpacked' ? 0o755 : 0o644);
  }
  return root;
}

const OTHER = PLATFORM === 'linux_arm64' ? 'linux_amd64' : 'linux_arm64';

test.each<[string, Entry[], string | undefined]>([
  ['one version unpacked', [{ version: '5.100.0', layout: 'unpacked' }], '5.100.0'],
  ['one version packed', [{ version: '5.100.0', layout: 'packed' }], '5.100.0'],
  [
    'the newest of several whole ones (numerically, not as text)',
    [
      { version: '5.9.0', layout: 'unpacked' },
      { version: '5.100.0', layout: 'packed' },
      { version: '5.20.0', layout: 'unpacked' },
    ],
    '5.100.0',
  ],
  [
    'the newest whole one when a newer one lacks its executable',
    [
      { version: '5.100.0', layout: 'unpacked' },
      { version: '6.0.0', layout: 'empty' },
    ],
    '5.100.0',
  ],
  ['none: the version directory holds no executable', [{ version: '5.100.0', layout: 'empty' }], undefined],
  ['none: the provider file is not executable', [{ version: '5.100.0', layout: 'not-executable' }], undefined],
  ['none: only another platform, unpacked', [{ version: '5.100.0', layout: 'unpacked', platform: OTHER }], undefined],
  ['none: only another platform, packed', [{ version: '5.100.0', layout: 'packed', platform: OTHER }], undefined],
  ['none: no version at all', [], undefined],
])('%s', (_, entries, expected) => {
  const found = awsProviderIn(mirror(entries));
  if (expected !== undefined) {
    expect(found).toEqual({ awsVersion: expected });
    return;
  }
  expect(found).toEqual({ reason: expect.any(String) });
  const { reason } = found as { reason: string };
  // The reason names the mirror's folder and each version it passed over, with the folder it looked in.
  expect(reason).toContain(join('registry.terraform.io', 'hashicorp', 'aws'));
  for (const e of entries.filter((x) => (x.platform ?? PLATFORM) === PLATFORM && x.layout !== 'packed'))
    expect(reason).toContain(`${e.version} has no terraform-provider-aws executable in `);
});

test('a folder that is no mirror at all is named in the reason', () => {
  const root = mkdtempSync(join(tmpdir(), 'provider-mirror-'));
  roots.push(root);
  expect(awsProviderIn(root)).toEqual({ reason: `${join(root, 'registry.terraform.io', 'hashicorp', 'aws')} does not exist` });
});
