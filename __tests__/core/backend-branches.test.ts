/**
 * What differs between compute backends, and between drill targets, is stated in a registry: the AWS
 * target's ServiceBackend registry (harness/targets/aws/backends/), the constructs' (modules/compute/registry.ts)
 * and, next to them, tables keyed by backend or target (the config's BACKEND_ONLY_FIELDS and BACKEND_REGIONS,
 * the local world's pause models, the Action's flags per target), which hold no branch. Anywhere else, a
 * comparison of a backend or target value with a literal, or a switch on one, is a branch a new backend or
 * target would have to find. The source is parsed with the TypeScript compiler, not searched as text.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { COMPUTE_BACKENDS } from '../../core/aws-facts.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The files allowed to tell backends or targets apart by name. */
const REGISTRIES: readonly RegExp[] = [
  /^harness\/targets\/aws\/backends\//,
  /^modules\/compute\/registry\.ts$/,
];

const SKIPPED_DIRS = new Set(['node_modules', '__tests__', 'dist', 'cdktf.out', 'coverage', 'docs']);

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = dir === '' ? name : `${dir}/${name}`;
    if (name.startsWith('.') || SKIPPED_DIRS.has(name)) return [];
    if (statSync(join(root, path)).isDirectory()) return sources(path);
    return /\.(ts|mts|mjs|js|cjs)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** A place in the source that branches on a backend or target value. */
interface Branch {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

const BACKEND_LITERALS: ReadonlySet<string> = new Set(COMPUTE_BACKENDS);
const EQUALITY = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
]);

/** The expression under parentheses, `!`, `as` and `satisfies`. */
function unwrapped(e: ts.Expression): ts.Expression {
  let x = e;
  while (ts.isParenthesizedExpression(x) || ts.isNonNullExpression(x) || ts.isAsExpression(x) || ts.isSatisfiesExpression(x))
    x = x.expression;
  return x;
}

/** The last name of an identifier or property access (`c.service.backend` -> "backend"). */
function lastName(e: ts.Expression): string | undefined {
  const x = unwrapped(e);
  if (ts.isIdentifier(x)) return x.text;
  if (ts.isPropertyAccessExpression(x)) return x.name.text;
  if (ts.isElementAccessExpression(x) && ts.isStringLiteralLike(x.argumentExpression)) return x.argumentExpression.text;
  return undefined;
}

/**
 * A value named as a compute backend or a drill target: `backend`, `c.service.backend`, `computeBackend`,
 * `opts.target`, `targetName`. (Not `probeTarget`, a probe's origin or group, nor `backendType`, Terraform's state backend.)
 */
const namesBackendOrTarget = (e: ts.Expression) =>
  /^(backend|target|computeBackend|serviceBackend|backendName|targetName)$/.test(lastName(e) ?? '');

function literalOf(e: ts.Expression): string | undefined {
  const x = unwrapped(e);
  return ts.isStringLiteralLike(x) ? x.text : undefined;
}

/** A comparison of a backend or target value with a literal, or a literal backend name compared with anything. */
function isBranch(left: ts.Expression, right: ts.Expression): boolean {
  for (const [value, other] of [
    [left, right],
    [right, left],
  ] as const) {
    const literal = literalOf(other);
    if (literal === undefined) continue;
    if (BACKEND_LITERALS.has(literal) || namesBackendOrTarget(value)) return true;
  }
  return false;
}

export function branchesIn(file: string, text: string): Branch[] {
  const kind = file.endsWith('.ts') || file.endsWith('.mts') ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const found: Branch[] = [];
  const add = (node: ts.Node) => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
    found.push({ file, line: line + 1, text: node.getText(source).split('\n')[0]!.slice(0, 120) });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && EQUALITY.has(node.operatorToken.kind) && isBranch(node.left, node.right)) add(node);
    if (ts.isSwitchStatement(node)) {
      const onLiteralBackend = node.caseBlock.clauses.some(
        (c) => ts.isCaseClause(c) && BACKEND_LITERALS.has(literalOf(c.expression) ?? ''),
      );
      if (namesBackendOrTarget(node.expression) || onLiteralBackend) add(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const isRegistry = (file: string) => REGISTRIES.some((r) => r.test(file));

describe('backends and targets are told apart only in their registries', () => {
  test('no branch on a backend or target value outside the registries', () => {
    const files = sources('');
    expect(files.length).toBeGreaterThan(200);
    const branches = files
      .filter((f) => !isRegistry(f))
      .flatMap((f) => branchesIn(relative(root, join(root, f)).split(sep).join('/'), readFileSync(join(root, f), 'utf8')));
    expect(branches.map((b) => `${b.file}:${b.line}: ${b.text}`)).toEqual([]);
  });

  test('the scan finds each kind of branch, and not look-alikes', () => {
    const found = (code: string) => branchesIn('x.ts', code).length;
    expect(found("if (c.service.backend === 'ecs-express') f();")).toBe(1);
    expect(found("const x = 'apprunner' !== kind ? 1 : 2;")).toBe(1);
    expect(found("const y = opts.target == 'aws';")).toBe(1);
    expect(found("const z = (o.backend!) === 'x';")).toBe(1);
    expect(found("switch (backend) { case 'a': break; }")).toBe(1);
    expect(found("switch (x.kind) { case 'ecs-express': break; }")).toBe(1);
    expect(found("const computeBackend = 'b'; if (computeBackend !== 'c') f();")).toBe(1);
    // Not branches on a backend or target: another kind of value, or no literal.
    expect(found("if (backendType === 'local') f();")).toBe(0);
    expect(found("if (settings.probeTarget !== 'group') f();")).toBe(0);
    expect(found("if (binary === 'aws') f();")).toBe(0);
    expect(found('if (target === undefined) f();')).toBe(0);
    expect(found('if (r.target === newest.target) f();')).toBe(0);
    expect(found("switch (fault.kind) { case 'pause': break; }")).toBe(0);
    expect(found("const table = { apprunner: 1, 'ecs-express': 2 }[backend];")).toBe(0);
  });
});
