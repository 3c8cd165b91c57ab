/**
 * The documentation as a set of pages that hold together: every relative link and anchor in the
 * project's Markdown resolves (parsed by markdown-it, anchors made by github-slugger as GitHub makes
 * them), docs/README.md lists every page under docs/, the README's folder table names exactly the
 * top-level folders in git, and the README's nightly workflow drills the stack the config of
 * `dr-drill init` describes.
 */
import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import GithubSlugger from 'github-slugger';
import MarkdownIt from 'markdown-it';
import { parse } from 'yaml';
import { describeUnless, testUnless } from '../support/skip.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const md = new MarkdownIt();
type Token = ReturnType<typeof md.parse>[number];
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The files git knows in the working tree (tracked, or new and not ignored); undefined without git. */
function gitFiles(): string[] | undefined {
  try {
    return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' })
      .split('\0')
      .filter((f) => f !== '' && existsSync(join(ROOT, f)));
  } catch {
    return undefined;
  }
}
const files = gitFiles();

/** The plain text of an inline token, as GitHub renders a heading (code spans without backticks). */
const textOf = (inline: Token): string =>
  (inline.children ?? [])
    .map((c) => (c.type === 'text' || c.type === 'code_inline' ? c.content : c.type === 'softbreak' ? ' ' : ''))
    .join('');

/** Each page's anchors, as GitHub makes them from its headings. */
const anchorCache = new Map<string, Set<string>>();
function anchorsOf(path: string): Set<string> {
  let anchors = anchorCache.get(path);
  if (anchors === undefined) {
    const slugger = new GithubSlugger();
    const tokens = md.parse(read(path), {});
    anchors = new Set(tokens.flatMap((t, i) => (t.type === 'heading_open' ? [slugger.slug(textOf(tokens[i + 1]!))] : [])));
    anchorCache.set(path, anchors);
  }
  return anchors;
}

/** Every link and image target in a page, outside code. */
function targetsOf(path: string): string[] {
  const walk = (tokens: Token[]): string[] =>
    tokens.flatMap((t) => [
      ...(t.type === 'link_open' ? [String(t.attrGet('href'))] : t.type === 'image' ? [String(t.attrGet('src'))] : []),
      ...walk(t.children ?? []),
    ]);
  return walk(md.parse(read(path), {}));
}

/** Why a relative target of `from` does not resolve, or undefined when it does. */
function brokenTarget(from: string, target: string, known: Set<string>): string | undefined {
  const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
  const to = pathPart === '' ? from : normalize(join(dirname(from), decodeURIComponent(pathPart))).replace(/\/$/, '');
  if (to.startsWith('..')) return `${target} leaves the repository`;
  const isDir = [...known].some((f) => f.startsWith(`${to}/`));
  if (!known.has(to) && !isDir) return `${target}: ${to} is not in the repository`;
  if (anchor !== undefined && anchor !== '') {
    if (!to.endsWith('.md')) return `${target}: an anchor into a file that is not Markdown`;
    if (!anchorsOf(to).has(anchor)) return `${target}: ${to} has no heading with the anchor #${anchor}`;
  }
  return undefined;
}

describeUnless(files === undefined ? 'git is not available to list the repository' : undefined, 'the documentation holds together', () => {
  const known = new Set(files);
  const pages = files!.filter((f) => f.endsWith('.md') && !f.startsWith('CHANGELOG'));

  test('the pages checked include the README, every page of docs/ and the folder READMEs', () => {
    expect(pages).toEqual(expect.arrayContaining(['README.md', 'docs/README.md', 'docs/configuration.md', 'harness/README.md']));
  });

  test('every relative link and anchor in every Markdown page resolves', () => {
    const broken = pages.flatMap((page) =>
      targetsOf(page)
        .filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t))
        .flatMap((t) => {
          const why = brokenTarget(page, t, known);
          return why === undefined ? [] : [`${page}: ${why}`];
        }),
    );
    expect(broken).toEqual([]);
  });

  test('a missing page, a missing heading and a path outside the repository are each found', () => {
    expect(brokenTarget('README.md', 'docs/no-such-page.md', known)).toMatch(/not in the repository/);
    expect(brokenTarget('README.md', 'docs/configuration.md#no-such-heading', known)).toMatch(/no heading/);
    expect(brokenTarget('docs/README.md', '../../elsewhere.md', known)).toMatch(/leaves the repository/);
    expect(brokenTarget('docs/README.md', '../README.md#6-the-nightly-drill', known)).toBeUndefined();
  });

  test('docs/README.md lists every page under docs/', () => {
    const listed = new Set(targetsOf('docs/README.md').map((t) => normalize(join('docs', t.split('#')[0]!))));
    const docs = pages.filter((p) => p.startsWith('docs/') && p !== 'docs/README.md');
    expect(docs.filter((p) => !listed.has(p))).toEqual([]);
  });

  test("the README's folder table names exactly the top-level folders in git", () => {
    const tokens = md.parse(read('README.md'), {});
    const heading = tokens.findIndex((t, i) => t.type === 'heading_open' && textOf(tokens[i + 1]!) === 'Where things are');
    expect(heading).toBeGreaterThan(0);
    const table = tokens.findIndex((t, i) => i > heading && t.type === 'table_open');
    const end = tokens.findIndex((t, i) => i > table && t.type === 'table_close');
    const firstCells = tokens
      .slice(table, end)
      .filter((t, i, all) => t.type === 'inline' && all[i - 1]?.type === 'td_open' && all[i - 2]?.type === 'tr_open');
    const named = firstCells.flatMap((cell) => (cell.children ?? []).filter((c) => c.type === 'code_inline').map((c) => c.content));
    const folders = new Set(files!.filter((f) => f.includes('/')).map((f) => `${f.split('/')[0]}/`));
    expect(named.filter((n) => n.endsWith('/')).sort()).toEqual([...folders].sort());
    // The files the table names beside the folders exist too.
    expect(named.filter((n) => !n.endsWith('/') && !known.has(n))).toEqual([]);
  });
});

describe("the README's nightly workflow", () => {
  /** The file `dr-drill init` writes the configuration to, unless --config-file says otherwise. */
  const INIT_CONFIG_FILE = 'edge-failover.json';
  type Step = { uses?: string; run?: string; if?: string; with?: Record<string, unknown> };
  type Workflow = {
    permissions?: Record<string, string>;
    concurrency?: { group?: string; 'cancel-in-progress'?: boolean };
    jobs: Record<string, { steps: Step[] }>;
  };
  const blocks = [...read('README.md').matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((text) => /^jobs:/m.test(text));
  const workflow = blocks.length === 1 ? (parse(blocks[0]!) as Workflow) : undefined;
  const steps = Object.values(workflow?.jobs ?? {}).flatMap((j) => j.steps);
  /** The words of each step that runs dr-drill `verb`. */
  const drillSteps = (verb: string) =>
    steps
      .filter((s) => s.run !== undefined && /\bdr-drill(\.js)?\s/.test(s.run))
      .map((s) => ({ step: s, words: s.run!.trim().split(/\s+/) }))
      .filter((s) => s.words.includes(verb));

  test('is one workflow', () => {
    expect(blocks).toHaveLength(1);
  });

  test('drills the deployed stack with the config init writes and --yes, and recovers on failure or cancel', () => {
    const [drill, ...more] = drillSteps('run');
    expect(more).toEqual([]);
    expect(drill?.words).toEqual(expect.arrayContaining(['--mode', 'existing', '--target', 'aws', '--config', INIT_CONFIG_FILE, '--yes']));
    expect(drill!.words[drill!.words.indexOf('--config') + 1]).toBe(INIT_CONFIG_FILE);
    const [recover] = drillSteps('recover');
    expect(recover?.step.if).toBe('failure() || cancelled()');
    expect(recover?.words).toEqual(expect.arrayContaining(['--target', 'aws', '--config', INIT_CONFIG_FILE, '--yes']));
  });

  test('signs in through OIDC, then to the drill-runner role; one drill at a time; reports kept', () => {
    expect(workflow?.permissions?.['id-token']).toBe('write');
    expect(workflow?.concurrency?.group).toBeTruthy();
    expect(workflow?.concurrency?.['cancel-in-progress']).toBe(false);
    const credentials = steps.filter((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    expect(credentials.map((s) => [s.with?.['role-to-assume'], s.with?.['role-chaining'] ?? false])).toEqual([
      ['${{ secrets.DR_DRILL_OIDC_ROLE_ARN }}', false],
      ['${{ secrets.DR_DRILL_ROLE_ARN }}', true],
    ]);
    expect(steps.some((s) => s.uses?.startsWith('hashicorp/setup-terraform@'))).toBe(true);
    const [drill] = drillSteps('run');
    const out = drill!.words[drill!.words.indexOf('--out') + 1];
    const artifact = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect([artifact?.if, artifact?.with?.path]).toEqual(['always()', out]);
    const junit = steps.find((s) => s.uses?.startsWith('mikepenz/action-junit-report@'));
    expect([junit?.if, junit?.with?.report_paths]).toEqual(['always()', `${out}/junit.xml`]);
  });

  // harness/commands/init.ts writes the workflow; where it exists, the README shows what it writes (as YAML data).
  const initPath = join(ROOT, 'harness/commands/init.ts');
  testUnless(existsSync(initPath) ? undefined : 'harness/commands/init.ts (dr-drill init) is not in this tree')(
    'is what dr-drill init writes for --name-prefix shop-edge in a clone',
    async () => {
      const init = (await import(initPath)) as {
        DEFAULT_CONFIG_FILE: string;
        workflowYaml: (o: { configFile: string; bin: string; region: string; stack: string }) => string;
      };
      expect(init.DEFAULT_CONFIG_FILE).toBe(INIT_CONFIG_FILE);
      expect(parse(blocks[0]!)).toEqual(
        parse(init.workflowYaml({ configFile: INIT_CONFIG_FILE, bin: 'node bin/dr-drill.js', region: 'us-east-1', stack: 'shop-edge' })),
      );
    },
  );
});
