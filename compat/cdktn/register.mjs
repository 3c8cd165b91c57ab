// `node --import ./register.mjs …`: runs the project's TypeScript sources (tsx, from the project's
// node_modules) with cdktf, @cdktf/provider-aws and constructs resolved to CDK Terrain's packages
// installed here (./map-packages.mjs). The sources are not copied or edited: this is the import
// change the migration (docs/cdk-terrain.md) makes, done at resolution time.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
// Registered last, so it resolves first and hands the renamed specifier on to tsx and Node.
register('./map-packages.mjs', import.meta.url);
