/** The HCL export of a stack with service.backend "ecs-express": verified like the default stack, and it carries the backend. */
import { synthAndExport, type Exported } from './fixtures.js';

describe('export with service.backend "ecs-express"', () => {
  let ex: Exported;
  beforeAll(async () => {
    ex = await synthAndExport({ service: { backend: 'ecs-express' } });
  }, 120_000);
  afterAll(() => ex?.cleanup());

  test('the module has the Express services and no App Runner service', () => {
    const main = ex.texts.get('main.tf')!;
    expect(main).toMatch(/resource "aws_ecs_express_gateway_service" "primary_service"/);
    expect(main).not.toMatch(/aws_apprunner_service/);
  });

  test('compute_backend is a variable, guarded to the backend the module was exported for, and an output', () => {
    const variables = ex.texts.get('variables.tf')!;
    expect(variables).toMatch(/variable "compute_backend"[\s\S]*default\s*=\s*"ecs-express"/);
    expect(variables).toMatch(/var\.compute_backend == "ecs-express"/);
    expect(ex.texts.get('outputs.tf')!).toMatch(/output "service_backend"/);
  });

  test('the edge origin is the endpoint host, with the bare reference in HCL', () => {
    expect(ex.texts.get('main.tf')!).toMatch(
      /trimsuffix\(trimprefix\(aws_ecs_express_gateway_service\.primary_service\.ingress_paths\[0\]\.endpoint, "https:\/\/"\), "\/"\)/,
    );
  });
});
