/** terraform.tfvars.example: every input with its default, sensitive ones as a commented placeholder. */
import type { VariableDoc } from './convert/types.js';

export function tfvarsExample(variables: readonly VariableDoc[]): string {
  const lines: string[] = ['# Example inputs. Copy to terraform.tfvars and adjust; the values shown are the defaults.'];
  for (const v of variables) {
    lines.push('', ...v.description.split('\n').map((l) => `# ${l}`.trimEnd()));
    // The default was rendered inside a variable block, one level in.
    if (v.default !== undefined) lines.push(`${v.name} = ${v.default.replace(/\n {2}/g, '\n')}`);
    else if (v.sensitive)
      lines.push(`# Sensitive: set it with the TF_VAR_${v.name} environment variable rather than in a file.`, `# ${v.name} = "..."`);
    else lines.push(`# Required (type ${v.type}).`, `# ${v.name} = ...`);
  }
  return `${lines.join('\n')}\n`;
}
