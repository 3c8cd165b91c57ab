/**
 * Compares two `terraform show -json` plans: the same managed resources with the same planned
 * values (`change.after`, and which values are unknown until apply), differences reported by path.
 * Two allowances: the module's resources carry the address prefix of the module call
 * (`module.edge_failover.`), which is stripped before matching; a resource the module makes
 * optional with `count` (the KMS keys, the write router) matches as its instance `[0]`.
 * Provider aliases do not appear in resource_changes. Data sources are not compared: they are read, not planned, and the module
 * adds a data.aws_region per provider to check its regions.
 */
export interface ResourceChange {
  readonly address: string;
  readonly module_address?: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly change: { readonly actions: string[]; readonly after?: unknown; readonly after_unknown?: unknown };
}

export interface PlanJson {
  readonly resource_changes?: readonly ResourceChange[];
}

export interface PlanComparison {
  readonly compared: number;
  readonly differences: readonly string[];
}

export function comparePlans(expected: PlanJson, actual: PlanJson, modulePrefix: string): PlanComparison {
  const index = (p: PlanJson, strip: string) =>
    new Map(
      (p.resource_changes ?? [])
        .filter((r) => r.mode === 'managed')
        .map((r) => [r.address.startsWith(strip) ? r.address.slice(strip.length) : r.address, r] as const),
    );
  const want = index(expected, '\u0000');
  const got = new Map(
    [...index(actual, modulePrefix)].map(([address, r]) => {
      const single = address.replace(/\[0\]$/, '');
      return [single !== address && want.has(single) && !want.has(address) ? single : address, r] as const;
    }),
  );
  const differences: string[] = [];
  for (const address of want.keys()) if (!got.has(address)) differences.push(`${address}: planned by cdk.tf.json only`);
  for (const address of got.keys()) if (!want.has(address)) differences.push(`${address}: planned by the module only`);
  let compared = 0;
  for (const [address, w] of want) {
    const g = got.get(address);
    if (!g) continue;
    compared += 1;
    diff(`${address}.actions`, w.change.actions, g.change.actions, differences);
    diff(`${address}.after`, w.change.after, g.change.after, differences);
    diff(`${address}.after_unknown`, w.change.after_unknown, g.change.after_unknown, differences);
  }
  return { compared, differences };
}

function diff(path: string, a: unknown, b: unknown, out: string[]): void {
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) diff(`${path}.${k}`, (a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], out);
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${path}: cdk.tf.json plans ${JSON.stringify(a)}, the module ${JSON.stringify(b)}`);
}
