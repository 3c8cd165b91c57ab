// Module resolution hook: in the project's own files (anything outside a node_modules folder), an
// import of cdktf, @cdktf/provider-aws or constructs resolves to cdktn, @cdktn/provider-aws or
// constructs as installed in this folder, submodule paths kept (`@cdktf/provider-aws/lib/x/index.js`
// becomes `@cdktn/provider-aws/lib/x/index.js`). Every other import resolves as usual.
const HERE = new URL('./package.json', import.meta.url).href;
const RENAMES = [
  [/^cdktf(\/.*)?$/, 'cdktn$1'],
  [/^@cdktf\/provider-aws(\/.*)?$/, '@cdktn/provider-aws$1'],
  [/^constructs(\/.*)?$/, 'constructs$1'],
];

export async function resolve(specifier, context, nextResolve) {
  if (context.parentURL && !context.parentURL.includes('/node_modules/')) {
    for (const [from, to] of RENAMES) {
      if (from.test(specifier)) return nextResolve(specifier.replace(from, to), { ...context, parentURL: HERE });
    }
  }
  return nextResolve(specifier, context);
}
