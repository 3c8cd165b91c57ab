/**
 * A static check that a CloudFront Function uses only what JavaScript runtime 2.0 documents
 * ("JavaScript runtime 2.0 features for CloudFront Functions" and "Restrictions on CloudFront
 * Functions", docs/aws-behaviour/write-router.md): the code is parsed at ES2021 (ES 12, the
 * highest level the runtime draws features from) as a module, and every syntax node must be
 * one the page lists. Anything it does not list is refused, as are the restricted features
 * (dynamic code evaluation, timers, network and file system access).
 */
import { parse, type Node } from 'acorn';
import { full } from 'acorn-walk';
import { CLOUDFRONT_FUNCTIONS_ECMA_VERSION } from '../../core/aws-facts.js';

/** Syntax the runtime 2.0 page lists: ES 5.1 types, operators and statements; const/let; async/await; template literals; arrow functions; rest parameters; `import cf from 'cloudfront'`. */
const ALLOWED_NODES = new Set([
  'Program',
  'ImportDeclaration',
  'ImportDefaultSpecifier',
  'VariableDeclaration',
  'VariableDeclarator',
  'FunctionDeclaration',
  'FunctionExpression',
  'ArrowFunctionExpression',
  'RestElement',
  'BlockStatement',
  'ExpressionStatement',
  'EmptyStatement',
  'IfStatement',
  'ForStatement',
  'ForInStatement',
  'WhileStatement',
  'DoWhileStatement',
  'SwitchStatement',
  'SwitchCase',
  'BreakStatement',
  'ContinueStatement',
  'ReturnStatement',
  'ThrowStatement',
  'TryStatement',
  'CatchClause',
  'LabeledStatement',
  'Identifier',
  'Literal',
  'TemplateLiteral',
  'TemplateElement',
  'ObjectExpression',
  'Property',
  'ArrayExpression',
  'MemberExpression',
  'CallExpression',
  'NewExpression',
  'AssignmentExpression',
  'BinaryExpression',
  'LogicalExpression',
  'UnaryExpression',
  'UpdateExpression',
  'ConditionalExpression',
  'SequenceExpression',
  'ThisExpression',
  'AwaitExpression',
]);

/** Globals the restrictions exclude: dynamic code evaluation, timers, network, file system, Node's module system. */
const FORBIDDEN_GLOBALS = new Set([
  'eval',
  'Function',
  'setTimeout',
  'setInterval',
  'setImmediate',
  'queueMicrotask',
  'fetch',
  'XMLHttpRequest',
  'WebSocket',
  'require',
  'process',
  'module',
  'exports',
]);

/** Modules a function may import: the runtime's own. */
const ALLOWED_MODULES = new Set(['cloudfront', 'crypto', 'querystring', 'buffer']);

export interface Js2Problem {
  readonly at: number;
  readonly problem: string;
}

export function checkCloudFrontJs2(code: string): Js2Problem[] {
  const problems: Js2Problem[] = [];
  let ast: Node;
  try {
    ast = parse(code, { ecmaVersion: CLOUDFRONT_FUNCTIONS_ECMA_VERSION, sourceType: 'module' });
  } catch (e) {
    return [{ at: 0, problem: `does not parse at ES2021: ${(e as Error).message}` }];
  }
  full(ast, (node: any) => {
    if (!ALLOWED_NODES.has(node.type)) problems.push({ at: node.start, problem: `${node.type} is not a documented runtime 2.0 feature` });
    if (node.type === 'Identifier' && FORBIDDEN_GLOBALS.has(node.name)) {
      problems.push({ at: node.start, problem: `${node.name} is a restricted feature` });
    }
    if (node.type === 'Property' && (node.computed || node.shorthand || node.method || node.kind !== 'init')) {
      problems.push({ at: node.start, problem: 'only ES 5.1 object properties (key: value) are documented' });
    }
    if (node.type === 'ArrowFunctionExpression' && node.async) {
      problems.push({
        at: node.start,
        problem: 'async closures are not supported (runtime 2.0: "async arguments and closures are not supported")',
      });
    }
    if (node.type === 'FunctionExpression' && node.async) {
      problems.push({ at: node.start, problem: 'async closures are not supported' });
    }
    if ((node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression') && node.generator) {
      problems.push({ at: node.start, problem: 'generators are not documented' });
    }
    if (node.type === 'ImportDeclaration' && !ALLOWED_MODULES.has(String(node.source.value))) {
      problems.push({ at: node.start, problem: `import of "${node.source.value}": allowed: ${[...ALLOWED_MODULES].join(', ')}` });
    }
    if (node.type === 'MemberExpression' && node.optional)
      problems.push({ at: node.start, problem: 'optional chaining is not documented' });
  });
  const body = (ast as any).body as any[];
  const handler = body.find((n) => n.type === 'FunctionDeclaration' && n.id?.name === 'handler');
  if (!handler) problems.push({ at: 0, problem: 'no top-level function named handler' });
  return problems;
}
