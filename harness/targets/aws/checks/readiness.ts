/**
 * Before the preflight: both services must be in the state a drill starts from, each read with its
 * backend's own API (ServiceBackend.ready: App Runner RUNNING; ECS Express ACTIVE with a running
 * task). A refusal names the service and the command that shows or fixes it.
 */
import type { ServiceBackend } from '../backends/service-backend.js';
import type { AwsCli } from '../tools/aws-cli.js';
import type { StackRefs } from '../stack-refs.js';
import type { ReadServices, Role } from '../wire.js';

export async function checkServicesReady(
  cli: AwsCli,
  refs: StackRefs,
  backend: ServiceBackend,
  signal: AbortSignal,
  log: (line: string) => void = () => {},
  known: ReadServices = {},
): Promise<ReadServices> {
  const one = (role: Role) => backend.ready({ cli, signal, log }, refs.services[role], known[role]);
  // Both at once; when both fail, the primary's failure is the one reported.
  const [p, s] = await Promise.allSettled([one('primary'), one('secondary')]);
  if (p.status === 'rejected') throw p.reason;
  if (s.status === 'rejected') throw s.reason;
  return { primary: p.value, secondary: s.value };
}
