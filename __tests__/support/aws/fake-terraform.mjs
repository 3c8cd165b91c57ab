// A stand-in for the terraform CLI, for tests on machines without terraform providers. It
// follows terraform's documented command-line contract where the AWS target relies on it:
// - global option -chdir=DIR before the subcommand (an unknown directory is an error);
// - `version -json`; `init`; `apply -auto-approve`; `destroy -auto-approve`; `output -json`; `plan [-destroy]`
//   (its "Plan: n to add, 0 to change, m to destroy." line);
// - -input=false, -no-color, -var-file=FILE (the file must exist);
// - exit code 0 on success, 1 on error with "Error: ..." on stderr;
// - `output -json` prints {"<name>": {"sensitive": bool, "type": <type>, "value": <value>}}, {} when nothing is applied.
// What "apply" creates comes from a control file (FAKE_TERRAFORM_CONTROL, JSON):
//   { "stubUrl": "...",                 AWS stub to register resources with (POST /__stub/resources)
//     "resources": [ {name, role, region, tags} | {arn, region, tags} ],
//     "outputs": { name: value },       string values; "${arn|url|region:<resource name>}" are filled in
//     "failApplyAfter": n,              create n resources, then fail (a half-applied stack)
//     "destroyFailures": n,             the first n destroys fail with destroyError
//     "destroyError": "...",
//     "leaveOnDestroy": ["name"] }      resources destroy "forgets" to delete (leaks)
// State lives in <chdir>/fake-terraform.tfstate.json. Every call is appended to FAKE_TERRAFORM_LOG (JSON lines).
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const argv = process.argv.slice(2);
let chdir = process.cwd();
while (argv[0]?.startsWith('-')) {
  const opt = argv.shift();
  if (opt.startsWith('-chdir=')) chdir = resolve(opt.slice('-chdir='.length));
  else if (opt === '-version' || opt === '--version') argv.unshift('version');
  else fail(`Unknown global option ${opt}`, 1);
}
const [command, ...args] = argv;
const log = process.env.FAKE_TERRAFORM_LOG;
if (log) appendFileSync(log, JSON.stringify({ command, args, chdir, tfInAutomation: process.env.TF_IN_AUTOMATION ?? null }) + '\n');

function fail(message, code = 1) {
  process.stderr.write(`\nError: ${message}\n\n`);
  process.exit(code);
}

if (command === 'version') {
  if (args.includes('-json')) {
    process.stdout.write(
      JSON.stringify(
        { terraform_version: '1.11.4', platform: 'linux_amd64', provider_selections: {}, terraform_outdated: false },
        null,
        2,
      ) + '\n',
    );
  } else process.stdout.write('Terraform v1.11.4\non linux_amd64\n');
  process.exit(0);
}

if (!existsSync(chdir) || !statSync(chdir).isDirectory()) fail(`Invalid -chdir option: chdir ${chdir}: no such file or directory`);
const statePath = join(chdir, 'fake-terraform.tfstate.json');
const state = existsSync(statePath) ? JSON.parse(readFileSync(statePath, 'utf8')) : { resources: [], outputs: {}, destroyAttempts: 0 };
const save = () => writeFileSync(statePath, JSON.stringify(state, null, 2));
const control = process.env.FAKE_TERRAFORM_CONTROL ? JSON.parse(readFileSync(process.env.FAKE_TERRAFORM_CONTROL, 'utf8')) : {};

const allowed = {
  init: ['-input=false', '-no-color'],
  apply: ['-auto-approve', '-input=false', '-no-color'],
  destroy: ['-auto-approve', '-input=false', '-no-color'],
  output: ['-json', '-no-color'],
  plan: ['-input=false', '-no-color', '-lock=false', '-destroy'],
};
if (!(command in allowed)) fail(`Terraform has no command named "${command}".`, 1);
for (const a of args) {
  if (allowed[command].includes(a)) continue;
  if ((command === 'apply' || command === 'destroy' || command === 'plan') && a.startsWith('-var-file=')) {
    const f = resolve(chdir, a.slice('-var-file='.length));
    if (!existsSync(f)) fail(`Failed to read variables file\n\nGiven variables file ${f} does not exist.`);
    continue;
  }
  fail(`flag provided but not defined: ${a}`);
}
if ((command === 'apply' || command === 'destroy') && !args.includes('-auto-approve') && args.includes('-input=false')) {
  fail('No value for approval: -input=false needs -auto-approve');
}

async function stub(body) {
  if (!control.stubUrl) return { added: [] };
  const res = await fetch(`${control.stubUrl}/__stub/resources`, { method: 'POST', body: JSON.stringify(body) });
  if (!res.ok) fail(`stub answered ${res.status}`);
  return res.json();
}

if (command === 'init') {
  if (!existsSync(join(chdir, 'cdk.tf.json')) && !existsSync(join(chdir, 'main.tf'))) fail('No configuration files');
  mkdirSync(join(chdir, '.terraform'), { recursive: true });
  process.stdout.write('Initializing the backend...\n\nTerraform has been successfully initialized!\n');
  process.exit(0);
}
if (command !== 'output' && !existsSync(join(chdir, '.terraform'))) fail('Backend initialization required, please run "terraform init"');

if (command === 'output') {
  const out = {};
  for (const [name, value] of Object.entries(state.outputs)) out[name] = { sensitive: false, type: 'string', value };
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  process.exit(0);
}

if (command === 'plan') {
  // What apply would create (the control file's resources not yet in state), or destroy would remove.
  const have = new Set(state.resources.map((r) => r.key));
  const add = (control.resources ?? []).filter((r) => !have.has(r.name ?? r.arn)).length;
  process.stdout.write(
    args.includes('-destroy')
      ? `\nPlan: 0 to add, 0 to change, ${state.resources.length} to destroy.\n`
      : `\nPlan: ${add} to add, 0 to change, 0 to destroy.\n`,
  );
  process.exit(0);
}

if (command === 'apply') {
  const wanted = control.resources ?? [];
  const limit = control.failApplyAfter ?? wanted.length;
  const have = new Set(state.resources.map((r) => r.key));
  let created = 0;
  for (const r of wanted.slice(0, limit)) {
    const key = r.name ?? r.arn;
    if (have.has(key)) continue;
    const { added } = await stub({ add: [r] });
    state.resources.push({ key, arn: added[0]?.arn ?? r.arn, url: added[0]?.url ?? '', region: r.region });
    created++;
    process.stdout.write(`${key}: Creation complete\n`);
    save();
  }
  if (limit < wanted.length) {
    fail(
      `creating App Runner Service (${wanted[limit].name ?? wanted[limit].arn}): operation error AppRunner: CreateService, https response error StatusCode: 400, InvalidRequestException: injected half-way failure`,
    );
  }
  state.outputs = {};
  for (const [name, value] of Object.entries(control.outputs ?? {})) {
    state.outputs[name] = String(value).replace(/\$\{(arn|region|url):([^}]+)\}/g, (_, kind, key) => {
      const r = state.resources.find((x) => x.key === key);
      return r ? r[kind] : '';
    });
  }
  save();
  process.stdout.write(`\nApply complete! Resources: ${created} added, 0 changed, 0 destroyed.\n`);
  process.exit(0);
}

if (command === 'destroy') {
  state.destroyAttempts += 1;
  save();
  if (state.destroyAttempts <= (control.destroyFailures ?? 0)) fail(control.destroyError ?? 'deleting resource: injected failure');
  const leave = new Set(control.leaveOnDestroy ?? []);
  const gone = state.resources.filter((r) => !leave.has(r.key));
  await stub({ remove: gone.map((r) => r.arn) });
  state.resources = [];
  state.outputs = {};
  save();
  process.stdout.write(`\nDestroy complete! Resources: ${gone.length} destroyed.\n`);
  process.exit(0);
}
