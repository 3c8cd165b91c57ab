import { TerraformStack, type TerraformElement } from 'cdktf';

/**
 * Names a resource after its construct path below the stack (`primary/service` becomes
 * `aws_apprunner_service.primary_service`) instead of cdktf's hashed IDs, so plans and the
 * HCL hand-off read like hand-written code. Call it right after creating the resource,
 * before any of its attributes are read. The name is API: changing it replaces the resource.
 */
export function nameAfterPath<T extends TerraformElement>(element: T): T {
  const scopes = element.node.scopes;
  const stackIndex = scopes.findIndex((s) => TerraformStack.isStack(s));
  const path = scopes.slice(stackIndex + 1).map((s) => s.node.id);
  element.overrideLogicalId(path.join('_').replace(/[^A-Za-z0-9_]/g, '_'));
  return element;
}
