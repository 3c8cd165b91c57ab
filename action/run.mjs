// The GitHub Action's logic (action.yml): `node action/run.mjs run` runs the drill and sets the
// step's outputs and summary, `node action/run.mjs recover` finishes what a failed or cancelled
// drill left. Inputs come as DRILL_* environment variables (action.yml maps them), so no input is
// ever part of a shell command. Node built-ins only: it runs before anything is known about the
// folder's node_modules.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where dr-drill is, in this order: the installed package, then a checkout of this repository. */
export function findBin(cwd) {
  const candidates = [join(cwd, 'node_modules/edge-failover/bin/dr-drill.js'), join(cwd, 'bin/dr-drill.js')];
  const bin = candidates.find((c) => existsSync(c));
  if (bin === undefined) {
    throw new Error(
      `dr-drill not found in ${cwd} (looked for ${candidates.join(' and ')}): install the edge-failover package ` +
        '(npm install edge-failover) or check out its repository and run npm ci before this step, or set working-directory',
    );
  }
  return bin;
}

/**
 * What each target needs to run in a job: the workflow is the approval, and a job has no terminal, so with
 * AWS (where dr-drill asks before changing anything) the confirmation is given. A target without an entry
 * needs nothing.
 */
const UNATTENDED = { aws: ['--yes'] };

/** The target's flags for an unattended run (UNATTENDED), none for a target without an entry. */
function unattended(target) {
  return Object.hasOwn(UNATTENDED, target) ? UNATTENDED[target] : [];
}

/** The argument lines of the `args` input: one argument per non-empty line, trimmed. */
export function argLines(text) {
  return (text ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/**
 * `dr-drill run` arguments from the inputs. Empty inputs pass nothing, so the CLI's defaults
 * apply; `--alarms` and `--history` are passed only when given (the flags are newer than some
 * versions of the CLI, which refuse unknown options). `--plain`: timestamped lines for the log.
 */
export function runArguments(env, cwd) {
  const target = env.DRILL_TARGET || 'local';
  const args = ['run', '--plain', '--target', target, ...unattended(target)];
  const pass = (flag, value) => {
    if (value !== undefined && value !== '') args.push(flag, value);
  };
  pass('--config', env.DRILL_CONFIG);
  pass('--mode', env.DRILL_MODE);
  pass('--failover-threshold', env.DRILL_FAILOVER_THRESHOLD);
  pass('--failback-threshold', env.DRILL_FAILBACK_THRESHOLD);
  pass('--max-get-errors', env.DRILL_MAX_GET_ERRORS);
  pass('--alarms', env.DRILL_ALARMS);
  pass('--history', env.DRILL_HISTORY);
  args.push('--out', runDirOf(env, cwd));
  args.push(...argLines(env.DRILL_ARGS));
  return args;
}

/** The run directory: the `out` input, or drill-runs/<run name> in the working directory. */
export function runDirOf(env, cwd) {
  return resolve(cwd, env.DRILL_OUT || join('drill-runs', env.DRILL_RUN_NAME || `github-${Date.now()}`));
}

/** `dr-drill recover` arguments: the target, the config (its namePrefix names the journal) and the run's --state-dir. */
export function recoverArguments(env) {
  const target = env.DRILL_TARGET || 'local';
  const args = ['recover', '--plain', '--target', target, ...unattended(target)];
  if (env.DRILL_CONFIG) args.push('--config', env.DRILL_CONFIG);
  const lines = argLines(env.DRILL_ARGS);
  const i = lines.indexOf('--state-dir');
  if (i >= 0 && lines[i + 1] !== undefined) args.push('--state-dir', lines[i + 1]);
  return args;
}

/** The step's outputs from run.json (empty values when it is missing or a measurement was not observed). */
export function outputsOf(runDir, exitCode) {
  const file = join(runDir, 'run.json');
  const outputs = { verdict: '', 'failover-seconds': '', 'failback-seconds': '', 'run-dir': runDir, 'exit-code': String(exitCode) };
  if (!existsSync(file)) return outputs;
  const run = JSON.parse(readFileSync(file, 'utf8'));
  const seconds = (m) => (m?.observed && typeof m.seconds === 'number' ? String(m.seconds) : '');
  return {
    ...outputs,
    verdict: String(run.verdict?.outcome ?? ''),
    'failover-seconds': seconds(run.measurements?.failover),
    'failback-seconds': seconds(run.measurements?.failback),
  };
}

/** Appends `name=value` lines to $GITHUB_OUTPUT (values here are single-line). */
function writeOutputs(outputs, file) {
  if (!file) return;
  appendFileSync(file, Object.entries(outputs).map(([k, v]) => `${k}=${String(v).replace(/[\r\n]+/g, ' ')}\n`).join(''));
}

/**
 * Runs the bin with node (not npx, so a signal reaches the drill once) and forwards SIGINT and
 * SIGTERM to it: the drill then resumes the primary, tears down and exits 3.
 */
function drill(bin, args, env) {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: 'inherit', env });
    const forward = (sig) => child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      done(code ?? (signal ? 3 : 1));
    });
  });
}

export async function main(command, env = process.env, cwd = process.cwd()) {
  const bin = findBin(cwd);
  if (command === 'recover') return drill(bin, recoverArguments(env), env);
  if (command !== 'run') throw new Error(`unknown command ${JSON.stringify(command)}: run or recover`);
  const args = runArguments(env, cwd);
  const runDir = runDirOf(env, cwd);
  // The summary is appended here, once, whatever the CLI does with GITHUB_STEP_SUMMARY itself.
  const { GITHUB_STEP_SUMMARY: summaryFile, ...childEnv } = env;
  const exitCode = await drill(bin, args, childEnv);
  const outputs = outputsOf(runDir, exitCode);
  writeOutputs(outputs, env.GITHUB_OUTPUT);
  const summary = join(runDir, 'summary.md');
  if (summaryFile && existsSync(summary)) appendFileSync(summaryFile, readFileSync(summary, 'utf8'));
  console.log(`dr-drill exited ${exitCode}; verdict ${outputs.verdict || '(no run.json)'}; run directory ${runDir}`);
  return exitCode;
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  main(process.argv[2]).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`::error::${e instanceof Error ? e.message : String(e)}`);
      process.exit(2);
    },
  );
}
