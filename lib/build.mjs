// `npm run build` (and `prepack`): compiles the public entries and the drill CLI into dist/ with
// tsconfig.build.json (TypeScript's own API, as `tsc -p` would), then copies the two plain
// JavaScript files the local drill starts as they are (the probe app and its origin watchdog) to
// where the compiled code looks for them.
import { cpSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../', import.meta.url));
const ASSETS = ['app/probe-app.mjs', 'harness/targets/local/origin-watchdog.mjs'];

rmSync(`${root}dist`, { recursive: true, force: true });
const configFile = ts.findConfigFile(root, ts.sys.fileExists, 'tsconfig.build.json');
const { config } = ts.readConfigFile(configFile, ts.sys.readFile);
const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root);
const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
const emitted = program.emit();
const problems = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics, ...parsed.errors];
if (problems.length > 0) {
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' };
  process.stderr.write(ts.formatDiagnosticsWithColorAndContext(problems, host));
  process.exit(1);
}
for (const file of ASSETS) cpSync(`${root}${file}`, `${root}dist/${file}`);
