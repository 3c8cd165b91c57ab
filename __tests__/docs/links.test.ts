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
import { describeUnless } from '../support/skip.js';

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
    concurrency?: { group?: string };
    jobs: Record<string, { steps: Step[] }>;
  };
  const workflows = [...read('README.md').matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => parse(m[1]!) as Workflow).filter((w) => w?.jobs);

  test('is one workflow that drills the deployed stack with the config init writes, through the action', () => {
    expect(workflows).toHaveLength(1);
    const steps = Object.values(workflows[0]!.jobs).flatMap((j) => j.steps);
    const drill = steps.find((s) => s.uses === './' || /\/edge-failover@/.test(s.uses ?? ''));
    expect(drill?.with).toMatchObject({ config: INIT_CONFIG_FILE, target: 'aws', mode: 'existing' });
    // The action's `recover` input stays at its default (true): a failed or cancelled drill is recovered.
    expect(drill?.with?.recover).toBeUndefined();
  });

  test('signs in through OIDC to the role in DR_DRILL_ROLE_ARN, runs one at a time, and keeps the reports', () => {
    const w = workflows[0]!;
    const steps = Object.values(w.jobs).flatMap((j) => j.steps);
    expect(w.permissions?.['id-token']).toBe('write');
    expect(w.concurrency?.group).toBeTruthy();
    const credentials = steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    expect(credentials?.with?.['role-to-assume']).toBe('${{ vars.DR_DRILL_ROLE_ARN }}');
    expect(steps.some((s) => s.uses?.startsWith('hashicorp/setup-terraform@'))).toBe(true);
    const drill = steps.find((s) => s.uses === './')!;
    const out = String(drill.with!.out);
    const artifact = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(artifact?.if).toBe('always()');
    const paths = String(artifact?.with?.path).trim().split('\n');
    expect(paths).toContain(`${out}/junit.xml`);
    // A run directory's cdktf.out may hold the origin-verify secret: the artifact names the reports alone.
    expect(paths.every((p) => p.startsWith(`${out}/`) && p !== `${out}/` && !p.includes('cdktf.out'))).toBe(true);
    const junit = steps.find((s) => s.uses?.startsWith('mikepenz/action-junit-report@'));
    expect(junit?.with?.report_paths).toBe(`${out}/junit.xml`);
  });
});
