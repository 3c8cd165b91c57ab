/**
 * The patches in emulator/moto/launch.py are written against moto 5.2.1's classes. This fails
 * loudly when the installed moto is another version, or when a patched function is gone or
 * has a different signature.
 */
import { checkMoto, MotoServer, PINNED_MOTO } from '../../emulator/moto/moto-server.js';
import { describeUnless } from '../support/skip.js';

const check = checkMoto();
const EXPECTED_SIGNATURES = {
  'cloudfront.DistributionConfig.__init__': '(self, config: dict[str, typing.Any])',
  'cloudfront.DefaultCacheBehaviour.__init__': '(self, config: dict[str, typing.Any])',
  'cloudfront.ViewerCertificate.__init__': '(self, config: dict[str, typing.Any]) -> None',
  'cloudfront.Distribution.__init__': '(self, account_id: str, region_name: str, config: dict[str, typing.Any])',
  'resourcegroupstaggingapi.ResourceGroupsTaggingAPIBackend._get_resources_generator':
    '(self, tag_filters: list[dict[str, typing.Any]] | None = None, resource_type_filters: list[str] | None = None) -> collections.abc.Iterator[dict[str, typing.Any]]',
  'cloudwatch.Alarm.update_state': '(self, reason: str, reason_data: str, state_value: str) -> None',
};

describeUnless('reason' in check ? check.reason : undefined, 'the moto patches', () => {
  test(`moto is the pinned ${PINNED_MOTO}`, () => {
    expect(check).toMatchObject({ moto: PINNED_MOTO, pinned: PINNED_MOTO });
  });

  test('every patched function still exists with the signature the patch expects', () => {
    expect((check as { signatures: unknown }).signatures).toEqual(EXPECTED_SIGNATURES);
  });

  test('the launcher starts moto on 127.0.0.1 and stops it without leaving the process', async () => {
    const moto = await MotoServer.start();
    const pid = moto.pid!;
    const r = await fetch(`${moto.url}/moto-api/data.json`);
    expect(r.status).toBe(200);
    await moto.stop();
    expect(() => process.kill(pid, 0)).toThrow();
  }, 60_000);
});
