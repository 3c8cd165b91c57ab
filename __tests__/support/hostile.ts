/**
 * A corpus of hostile strings: what an attacker (or a broken tool) could put into any string a
 * run record carries. Suites feed every entry into every field a run value reaches and check
 * that each report still means what it says.
 */

export interface HostileString {
  /** What the entry attacks, for test names. */
  readonly name: string;
  readonly value: string;
}

const ESC = '\u001b';

export const HOSTILE_STRINGS: readonly HostileString[] = [
  { name: 'script element', value: '<script>alert(1)</script>' },
  { name: 'closing script tag', value: '</script><script>alert(1)</script>' },
  { name: 'attribute breakout with onerror', value: '"><img src=x onerror=alert(1)>' },
  { name: 'single-quote attribute breakout', value: "' onmouseover='alert(1)" },
  { name: 'svg onload', value: '<svg/onload=alert(1)>' },
  { name: 'html comment and CDATA', value: '<!-- x --><![CDATA[ y ]]>' },
  { name: 'CDATA end', value: ']]>' },
  { name: 'html entity', value: '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#60;b&#62;' },
  { name: 'backticks', value: '`x` `` ``` `' },
  { name: 'code span breakout', value: '`<img src=x onerror=alert(1)>`' },
  { name: 'markdown link', value: '[click](javascript:alert(1))' },
  { name: 'markdown image', value: '![img](http://127.0.0.1/x.png)' },
  { name: 'reference link', value: '[a][b]\n\n[b]: http://127.0.0.1/evil' },
  { name: 'autolink', value: '<http://127.0.0.1/evil> <mailto:a@b.c>' },
  { name: 'bare urls', value: 'http://127.0.0.1/evil www.example.com a@example.com' },
  { name: 'table pipes', value: '| a | b |\n|---|---|' },
  { name: 'escaped pipe', value: 'a\\|b\\' },
  { name: 'trailing backslash', value: 'x\\' },
  { name: 'newlines', value: 'line one\nline two\r\n\n## heading\n- item' },
  { name: 'heading and emphasis', value: '# h1 **bold** _it_ ~~del~~' },
  { name: 'html block', value: '<div>\n<b>bold</b>\n</div>' },
  { name: 'details element', value: '<details open><summary>x</summary>y</details>' },
  { name: 'NUL', value: 'a\u0000b' },
  { name: 'C0 controls', value: 'a\u0001\u0007\u0008\u000b\u000c\u001f\u007fb' },
  { name: 'ANSI colour and clear screen', value: `${ESC}[31mred${ESC}[0m ${ESC}[2J${ESC}[H` },
  { name: 'OSC hyperlink and title', value: `${ESC}]8;;http://127.0.0.1/evil${ESC}\\link${ESC}]8;;${ESC}\\ ${ESC}]0;title\u0007` },
  { name: 'C1 controls', value: 'a\u0085\u009b31mb' },
  { name: 'line and paragraph separators', value: 'a\u2028b\u2029c' },
  { name: 'lone high surrogate', value: 'a\ud800b' },
  { name: 'lone low surrogate', value: 'a\udc00b' },
  { name: 'noncharacters', value: 'a\ufffe\uffffb' },
  { name: 'BOM', value: '\ufeffbom' },
  { name: 'RTL override', value: 'abc\u202edcba\u202c \u2066x\u2069' },
  { name: 'template literal', value: '${process.exit(1)} ${{7*7}}' },
  { name: 'mustache', value: '{{constructor.constructor("alert(1)")()}} {%raw%}' },
  { name: 'JSON breakout', value: '"}]},{"x":"' },
  { name: 'astral characters', value: '😀 𝕏' },
  { name: 'Object.prototype key', value: 'constructor' },
  { name: 'another Object.prototype key', value: 'hasOwnProperty' },
  { name: 'very long', value: `${'A'.repeat(20_000)}<script>x</script>` },
];

// ── Config entries ─────────────────────────────────────────────────────────────────────────

/** The secret the config entries hide in their input: no message may ever print it. */
export const PLANTED_SECRET = 'planted-Secret-0123456789';

/** Where a config entry enters: the JSON config file, cdktf context, or the loader's overrides. */
export type ConfigEntryVia = 'file' | 'context' | 'overrides';

export interface HostileConfig {
  readonly name: string;
  /** The input as JSON text (prototype keys and deep nesting need the text: an object literal would lose them). */
  readonly json: string;
  /** The sources the entry goes through (default: all three). */
  readonly via?: readonly ConfigEntryVia[];
  /** The field the one message must name, as printed. */
  readonly field: string;
  /** Text the message must contain after "allowed: ". */
  readonly allowed: string;
}

const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const manyTags = (n: number) => JSON.stringify({ tags: Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v'])) });
const cfg = (o: unknown) => JSON.stringify(o);

export const HOSTILE_CONFIGS: readonly HostileConfig[] = [
  // Prototype keys, anywhere.
  {
    name: '__proto__ at the top',
    json: '{"__proto__": {"namePrefix": "evil-prefix"}}',
    field: '__proto__',
    allowed: 'are refused anywhere',
  },
  {
    name: '__proto__ nested',
    json: '{"failover": {"__proto__": {"connectionAttempts": 3}}}',
    field: 'failover.__proto__',
    allowed: 'are refused anywhere',
  },
  { name: 'constructor key', json: '{"tags": {"constructor": "x"}}', field: 'tags.constructor', allowed: 'are refused anywhere' },
  { name: 'prototype key', json: '{"service": {"prototype": {}}}', field: 'service.prototype', allowed: 'are refused anywhere' },
  { name: 'deep nesting', json: nested(20_000), field: 'a.a.a...', allowed: 'at most 16 levels of nesting' },
  // Tags AWS refuses.
  { name: 'tag key with NUL', json: cfg({ tags: { 'a\u0000b': 'v' } }), field: 'tags["a\\u0000b"]', allowed: 'tag keys of 1 to 128' },
  { name: 'tag key with newline', json: cfg({ tags: { 'a\nb': 'v' } }), field: 'tags["a\\nb"]', allowed: 'tag keys of 1 to 128' },
  { name: 'tag value with newline', json: cfg({ tags: { a: 'x\ny' } }), field: 'tags.a', allowed: 'tag values of at most 256' },
  { name: 'empty tag key', json: cfg({ tags: { '': 'v' } }), field: 'tags[""]', allowed: 'tag keys of 1 to 128' },
  { name: 'aws: tag key', json: cfg({ tags: { 'AWS:owner': 'v' } }), field: 'tags["AWS:owner"]', allowed: 'not starting with "aws:"' },
  { name: 'aws: tag value', json: cfg({ tags: { owner: 'aws:me' } }), field: 'tags.owner', allowed: 'not starting with "aws:"' },
  {
    name: 'tag key too long',
    json: cfg({ tags: { ['k'.repeat(129)]: 'v' } }),
    field: `tags.${'k'.repeat(129)}`,
    allowed: 'tag keys of 1 to 128',
  },
  { name: 'tag value too long', json: cfg({ tags: { a: 'v'.repeat(257) } }), field: 'tags.a', allowed: 'tag values of at most 256' },
  { name: 'too many tags', json: manyTags(47), field: 'tags', allowed: 'at most 46 tags' },
  { name: 'tag value not a string', json: cfg({ tags: { a: 1 } }), field: 'tags.a', allowed: 'tag values of at most 256' },
  // The origin-verify header.
  ...[
    'Host',
    'host',
    'Cookie',
    'Via',
    'Transfer-Encoding',
    'X-Amz-Cf-Id',
    'x-amz-security-token',
    'X-Edge-Origin',
    'X-Real-Ip',
    'x-served-by',
    'x-request-id',
  ].map((h): HostileConfig => ({
    name: `origin-verify header ${h}`,
    json: cfg({ failover: { originVerify: { headerName: h, secret: PLANTED_SECRET } } }),
    field: 'failover.originVerify.headerName',
    allowed: 'that CloudFront may add to origin requests',
  })),
  {
    name: 'origin-verify header name too long',
    json: cfg({ failover: { originVerify: { headerName: `x-${'a'.repeat(300)}` } } }),
    field: 'failover.originVerify.headerName',
    allowed: 'of 1 to 256',
  },
  {
    name: 'origin-verify secret over CloudFront limit',
    json: cfg({ failover: { originVerify: { secret: `${PLANTED_SECRET}${'s'.repeat(5000)}` } } }),
    field: 'failover.originVerify.secret',
    allowed: '16 to 1783',
  },
  {
    name: 'origin-verify secret with a newline',
    json: cfg({ failover: { originVerify: { secret: `${PLANTED_SECRET}\nx` } } }),
    field: 'failover.originVerify.secret',
    allowed: 'printable characters',
  },
  // Secrets under keys that are not the secret field.
  {
    name: 'misspelt secret key',
    json: cfg({ failover: { originVerify: { secert: PLANTED_SECRET } } }),
    field: 'failover.originVerify.secert',
    allowed: 'a known field',
  },
  {
    name: 'other unknown key beside the secret',
    json: cfg({ failover: { originVerify: { value: PLANTED_SECRET } } }),
    field: 'failover.originVerify.value',
    allowed: 'a known field',
  },
  {
    name: 'flattened secret key',
    json: cfg({ failover: { originVerifySecret: PLANTED_SECRET } }),
    field: 'failover.originVerifySecret',
    allowed: 'a known field',
  },
  {
    name: 'originVerify given as a string',
    json: cfg({ failover: { originVerify: PLANTED_SECRET } }),
    field: 'failover.originVerify',
    allowed: 'an object',
  },
  {
    name: 'secret given as a number',
    json: cfg({ failover: { originVerify: { secret: 1234567890123456789 } } }),
    field: 'failover.originVerify.secret',
    allowed: 'a string',
  },
  {
    name: 'secret in an object under another field',
    json: cfg({ regions: { primary: { secret: PLANTED_SECRET } } }),
    field: 'regions.primary',
    allowed: 'an AWS region name',
  },
  // Paths.
  {
    name: 'duplicate write paths',
    json: cfg({ failover: { writePaths: ['/api/*', '/api/*'] } }),
    field: 'failover.writePaths.1',
    allowed: 'each path pattern once',
  },
  { name: 'write path /*', json: cfg({ failover: { writePaths: ['/*'] } }), field: 'failover.writePaths.0', allowed: 'a narrower pattern' },
  {
    name: 'health-check path with NUL',
    json: cfg({ service: { healthCheck: { path: '/health\u0000' } } }),
    field: 'service.healthCheck.path',
    allowed: 'printable characters',
  },
  {
    name: 'health-check path with a space',
    json: cfg({ service: { healthCheck: { path: '/he alth' } } }),
    field: 'service.healthCheck.path',
    allowed: 'printable characters',
  },
  // Fields of one compute backend given with the other (service.backend).
  {
    name: 'App Runner concurrency with ecs-express',
    json: cfg({ service: { backend: 'ecs-express', autoScaling: { maxConcurrency: 50 } } }),
    field: 'service.autoScaling.maxConcurrency',
    allowed: 'applies to "apprunner" only',
  },
  {
    name: 'App Runner TCP health check with ecs-express',
    json: cfg({ service: { backend: 'ecs-express', healthCheck: { protocol: 'TCP' } } }),
    field: 'service.healthCheck.protocol',
    allowed: 'applies to "apprunner" only',
  },
  {
    name: 'App Runner regions with ecs-express',
    json: cfg({ service: { backend: 'ecs-express' }, regions: { additionalAppRunnerRegions: ['eu-north-1'] } }),
    field: 'regions.additionalAppRunnerRegions',
    allowed: 'applies to "apprunner" only',
  },
  {
    name: 'ECS cluster with apprunner',
    json: cfg({ service: { ecsExpress: { cluster: 'prod' } } }),
    field: 'service.ecsExpress.cluster',
    allowed: 'applies to "ecs-express" only',
  },
  {
    name: 'ECS scaling metric with apprunner',
    json: cfg({ service: { backend: 'apprunner', ecsExpress: { autoScalingMetric: 'AVERAGE_MEMORY' } } }),
    field: 'service.ecsExpress.autoScalingMetric',
    allowed: 'applies to "ecs-express" only',
  },
  {
    name: 'ECS cluster with a NUL',
    json: cfg({ service: { backend: 'ecs-express', ecsExpress: { cluster: 'a\u0000b' } } }),
    field: 'service.ecsExpress.cluster',
    allowed: 'a cluster name of 1 to 255',
  },
  {
    name: 'ECS service name suffix with markup',
    json: cfg({ service: { backend: 'ecs-express', ecsExpress: { serviceNameSuffix: 'r4nd<script>' } } }),
    field: 'service.ecsExpress.serviceNameSuffix',
    allowed: 'up to 12 of a-z and 0-9',
  },
  {
    name: 'unknown backend',
    json: cfg({ service: { backend: 'fargate' } }),
    field: 'service.backend',
    allowed: 'one of apprunner, ecs-express',
  },
  {
    name: 'backend in the wrong case',
    json: cfg({ service: { backend: 'ECS-Express' } }),
    field: 'service.backend',
    allowed: 'one of apprunner, ecs-express',
  },
  // Wording and values.
  { name: 'string where a number goes', json: cfg({ namePrefix: 5 }), field: 'namePrefix', allowed: 'a string' },
  {
    name: 'boolean given as a string',
    json: cfg({ monitoring: { secondaryHealthCheck: 'yes' } }),
    field: 'monitoring.secondaryHealthCheck',
    allowed: 'true or false',
  },
  { name: 'object given as a string', json: cfg({ regions: 'us-east-1' }), field: 'regions', allowed: 'an object' },
  {
    name: 'array given as an object',
    json: cfg({ failover: { writePaths: { a: 1 } } }),
    field: 'failover.writePaths',
    allowed: 'an array',
  },
  {
    name: '1e308',
    json: '{"failover": {"connectionAttempts": 1e308}}',
    field: 'failover.connectionAttempts',
    allowed: 'an integer from 1 to 3',
  },
  {
    name: 'a fraction where an integer goes',
    json: '{"failover": {"connectionAttempts": 1.5}}',
    field: 'failover.connectionAttempts',
    allowed: 'an integer from 1 to 3',
  },
];

/** An entry whose message must show Infinity, not null (only reachable through an object, as JSON has no Infinity). */
export const INFINITY_CONFIG = { failover: { connectionAttempts: Infinity } } as const;

// ── Option and file entries ────────────────────────────────────────────────────────────────

/** Files an option entry needs, relative to the working directory, written before the command runs. */
export type Fixtures = Readonly<Record<string, string>>;

export interface HostileOption {
  readonly name: string;
  /** The `dr-drill` arguments (after the command). */
  readonly args: readonly string[];
  readonly fixtures?: Fixtures;
  readonly env?: Readonly<Record<string, string>>;
  /** Text the usage error must contain. */
  readonly message: string;
}

const STACK = 'cdktf.out/stacks/edge-failover/cdk.tf.json';

export const HOSTILE_OPTIONS: readonly HostileOption[] = [
  { name: '--out at an existing file', args: ['--out', 'taken'], fixtures: { taken: 'x' }, message: '--out = "taken"' },
  { name: '--out /', args: ['--out', '/'], message: '--out = "/"' },
  { name: '--write-over-http without --write-probe', args: ['--write-over-http'], message: 'only with --write-probe' },
  { name: '--out empty', args: ['--out', ''], message: '--out = ""' },
  { name: '--out under a file', args: ['--out', 'taken/run'], fixtures: { taken: 'x' }, message: '--out = "taken/run"' },
  { name: '--out at another run', args: ['--out', 'old'], fixtures: { 'old/run.json': '{}' }, message: 'holds run.json from another run' },
  {
    name: '--cdktf-out without a stack',
    args: ['--cdktf-out', 'empty-out'],
    fixtures: { 'empty-out/.keep': '' },
    message: '--cdktf-out = "empty-out"',
  },
  { name: '--cdktf-out that does not exist', args: ['--cdktf-out', 'nowhere'], message: '--cdktf-out = "nowhere"' },
  { name: 'malformed cdk.tf.json', args: ['--cdktf-out', 'cdktf.out'], fixtures: { [STACK]: '{"resource": ' }, message: 'valid JSON' },
  { name: 'cdk.tf.json that is not an object', args: ['--cdktf-out', 'cdktf.out'], fixtures: { [STACK]: '[1]' }, message: 'a JSON object' },
  {
    name: 'malformed --var-file (JSON)',
    args: ['--var-file', 'bad.tfvars.json'],
    fixtures: { 'bad.tfvars.json': '{"image": ' },
    message: 'valid JSON',
  },
  {
    name: 'malformed --var-file (HCL)',
    args: ['--var-file', 'bad.tfvars'],
    fixtures: { 'bad.tfvars': 'image = = "x"\n' },
    message: 'valid HCL',
  },
  { name: 'missing --var-file', args: ['--var-file', 'none.tfvars'], message: 'a readable tfvars file' },
  {
    name: '--var-file with an expression',
    args: ['--var-file', 'expr.tfvars.json'],
    fixtures: { 'expr.tfvars.json': '{"image": "${var.x}"}' },
    message: 'a literal value',
  },
  {
    name: 'write path /* in the config file',
    args: ['--config', 'c.json'],
    fixtures: { 'c.json': '{"failover": {"writePaths": ["/*"]}}' },
    message: 'failover.writePaths.0',
  },
  {
    name: 'prototype key in the config file',
    args: ['--config', 'c.json'],
    fixtures: { 'c.json': '{"__proto__": {"namePrefix": "evil-one"}}' },
    message: '__proto__',
  },
  { name: 'malformed config file', args: ['--config', 'c.json'], fixtures: { 'c.json': '{"namePrefix": ' }, message: 'valid JSON' },
  {
    name: 'bad value from the environment',
    args: [],
    env: { EDGE_FAILOVER_CONNECTION_ATTEMPTS: '9' },
    message: 'failover.connectionAttempts (from env EDGE_FAILOVER_CONNECTION_ATTEMPTS) = 9',
  },
  { name: '--write-probe without write paths', args: ['--write-probe'], message: '--write-probe needs a write path' },
];
