/**
 * The printed way back of an unfinished run: the `dr-drill recover` command with every option the
 * run was started with, then the AWS CLI and terraform commands that do by hand what it would do
 * (each owed fault's undo, as its backend journaled it, then the destroy of an owed stack), each
 * argument shell-quoted.
 */
import { formatCommand } from '../tools/errors.js';
import type { Journal, RecordedOptions } from '../wire.js';

/** A printed command, each argument shell-quoted. */
const q = (args: readonly string[]): string => formatCommand(args[0]!, args.slice(1));

/** The `dr-drill recover` command for a run on `stack`, with every option the run was started with. */
export function recoverCommand(stack: string, o: RecordedOptions): string {
  const args = ['dr-drill', 'recover', '--target', 'aws', '--stack', stack, '--state-dir', o.stateDir];
  if (o.endpointUrl !== undefined) args.push('--endpoint-url', o.endpointUrl);
  if (o.awsCli !== undefined) args.push('--aws-cli', o.awsCli);
  if (o.profile !== undefined) args.push('--profile', o.profile);
  if (o.terraform !== undefined) args.push('--terraform', o.terraform);
  for (const f of o.terraformOverrides) args.push('--terraform-override', f);
  return q(args);
}

/** The steps that finish an unfinished run by hand: `recover`, then what it would do. */
export function recoverySteps(j: Journal): string {
  const o = j.options;
  const awsArgs = [
    ...(o.profile !== undefined ? ['--profile', o.profile] : []),
    ...(o.endpointUrl !== undefined ? ['--endpoint-url', o.endpointUrl] : []),
  ];
  const aws = o.awsCli ?? 'aws';
  const steps = [`${recoverCommand(j.stack, j.options)}   # does all of the below`];
  for (const f of j.faults) {
    for (const c of f.undoCommands) steps.push(q([aws, ...c.args, '--region', c.region, ...awsArgs]));
  }
  if (j.destroyOwed && !j.destroyed) {
    steps.push(
      q([o.terraform ?? 'terraform', `-chdir=${j.stackDir}`, 'destroy', '-auto-approve', ...j.varFiles.map((f) => `-var-file=${f}`)]),
    );
  }
  return steps.join('\n');
}
