/**
 * Whether a service is this stack's to fault: tagged ManagedBy=edge-failover, EdgeFailoverStack=<stack>
 * and EdgeFailoverRole=primary (stacks/contract.ts). Shared by the backends; each reads the tags with
 * its own API.
 */
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, ROLE_TAG, STACK_TAG } from '../../../../stacks/contract.js';
import { AwsTargetError } from '../tools/errors.js';
import type { Role } from '../wire.js';

/** Why a service may not be faulted as this stack's `role` (empty when it may). */
function pauseProblems(role: Role, tags: Readonly<Record<string, string>>, stackName: string): string[] {
  const problems: string[] = [];
  if (role !== 'primary') problems.push(`it is the ${role}, not the primary`);
  const expect: Record<string, string> = { [MANAGED_BY_TAG]: MANAGED_BY_VALUE, [STACK_TAG]: stackName, [ROLE_TAG]: role };
  for (const [k, v] of Object.entries(expect)) {
    if (tags[k] !== v)
      problems.push(`tag ${k} is ${tags[k] === undefined ? 'missing' : JSON.stringify(tags[k])}, expected ${JSON.stringify(v)}`);
  }
  return problems;
}

/**
 * Throws unless the tags make the service this stack's `role` to fault, or the override is given
 * (then logs it). `action`: what would be done, e.g. "pause arn:…".
 */
export function checkManaged(
  o: { readonly stackName: string; readonly allowUnmanagedPause?: boolean; readonly log: (line: string) => void },
  role: Role,
  action: string,
  tags: Readonly<Record<string, string>>,
): void {
  const problems = pauseProblems(role, tags, o.stackName);
  if (problems.length === 0) return;
  if (o.allowUnmanagedPause) {
    o.log(`${action} although ${problems.join('; ')} (override given)`);
    return;
  }
  throw new AwsTargetError('usage', `Refusing to ${action}: ${problems.join('; ')}`, {
    recovery: 'Point the drill at a stack this project deployed, or pass --allow-unmanaged if you really mean it.',
  });
}
