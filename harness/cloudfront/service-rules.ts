/**
 * The compute behind each origin, read from the synthesized stack: an App Runner service
 * (`runtime_environment_variables` and `runtime_environment_secrets`) or an ECS Express service
 * (the primary container's `environment`, `secret` and `command`). Secrets resolve to the value the
 * stack gives their store, as the service would read it at start.
 */
import type { ComputeBackend } from '../../core/aws-facts.js';
import { isObject, providerRegion, type Json, type JsonObject, type Variables } from './stack-json.js';

/** What the local origin of a role runs: its region, environment and command, and which backend the stack uses. */
export interface ServiceBehind {
  readonly region: string;
  readonly environment: Record<string, string>;
  readonly startCommand?: string;
  readonly backend: ComputeBackend;
  /** The service's Terraform address (aws_apprunner_service.primary_service), when the origin refers to one. */
  readonly address?: string;
}

/**
 * The App Runner service an origin's domain_name refers to (`${aws_apprunner_service.X.service_url}`),
 * with its region (from its provider) and runtime environment.
 */
export function serviceBehind(tf: JsonObject, vars: Variables, domainName: Json, field: string, warnings: string[]): ServiceBehind {
  const express = expressServiceBehind(tf, vars, domainName, warnings);
  if (express) return express;
  const ref = typeof domainName === 'string' ? /^\$\{aws_apprunner_service\.([A-Za-z0-9_-]+)\.service_url\}$/.exec(domainName) : null;
  const services = isObject(tf.resource) ? tf.resource.aws_apprunner_service : undefined;
  const service = ref && isObject(services) ? services[ref[1]!] : undefined;
  if (!isObject(service)) {
    warnings.push(`${field} does not refer to an App Runner service of the stack; the local origin gets region "local"`);
    return { region: 'local', environment: {}, backend: 'apprunner' };
  }
  const sAt = `aws_apprunner_service.${ref![1]}`;
  const region = providerRegion(tf, vars, service.provider) ?? 'local';
  const source = isObject(service.source_configuration) ? service.source_configuration : {};
  const repo = isObject(source.image_repository) ? source.image_repository : {};
  const image = isObject(repo.image_configuration) ? repo.image_configuration : {};
  const environment: Record<string, string> = {};
  const env = isObject(image.runtime_environment_variables) ? image.runtime_environment_variables : {};
  for (const [k, v] of Object.entries(env)) {
    try {
      environment[k] = vars.string(
        v,
        `${sAt}.source_configuration.image_repository.image_configuration.runtime_environment_variables.${k}`,
      );
    } catch (e) {
      warnings.push(`environment variable ${k} of ${sAt} left out: ${(e as Error).message}`);
    }
  }
  // Secrets App Runner reads from a store at start: the local origin gets the value the store is given.
  const secrets = isObject(image.runtime_environment_secrets) ? image.runtime_environment_secrets : {};
  for (const [k, ref] of Object.entries(secrets)) {
    const at = `${sAt}.source_configuration.image_repository.image_configuration.runtime_environment_secrets.${k}`;
    try {
      environment[k] = vars.string(storedSecretValue(tf, ref, at), at);
    } catch (e) {
      warnings.push(`secret environment variable ${k} of ${sAt} left out: ${(e as Error).message}`);
    }
  }
  const startCommand = typeof image.start_command === 'string' ? image.start_command : undefined;
  return { region, environment, startCommand, backend: 'apprunner', address: sAt };
}

/**
 * The ECS Express service an origin's domain_name refers to: the host of
 * `aws_ecs_express_gateway_service.X.ingress_paths[0].endpoint` (modules/compute/ecs-express.ts), with its
 * region and the primary container's environment and command.
 */
function expressServiceBehind(tf: JsonObject, vars: Variables, domainName: Json, warnings: string[]): ServiceBehind | undefined {
  const ref =
    typeof domainName === 'string'
      ? /\baws_ecs_express_gateway_service\.([A-Za-z0-9_-]+)\.ingress_paths\[0\]\.endpoint\b/.exec(domainName)
      : null;
  if (!ref) return undefined;
  const services = isObject(tf.resource) ? tf.resource.aws_ecs_express_gateway_service : undefined;
  const service = isObject(services) ? services[ref[1]!] : undefined;
  if (!isObject(service)) return undefined;
  const sAt = `aws_ecs_express_gateway_service.${ref[1]}`;
  const region = providerRegion(tf, vars, service.provider) ?? 'local';
  const containers = Array.isArray(service.primary_container) ? service.primary_container : [service.primary_container];
  const container = isObject(containers[0]) ? containers[0] : {};
  const environment: Record<string, string> = {};
  for (const [i, e] of (Array.isArray(container.environment) ? container.environment : []).entries()) {
    if (!isObject(e) || typeof e.name !== 'string') continue;
    try {
      environment[e.name] = vars.string(e.value, `${sAt}.primary_container[0].environment[${i}].value`);
    } catch (err) {
      warnings.push(`environment variable ${e.name} of ${sAt} left out: ${(err as Error).message}`);
    }
  }
  // Secrets ECS reads from a store at task start (the execution role's grant): the value the store is given.
  for (const [i, e] of (Array.isArray(container.secret) ? container.secret : []).entries()) {
    if (!isObject(e) || typeof e.name !== 'string') continue;
    const at = `${sAt}.primary_container[0].secret[${i}].value_from`;
    try {
      environment[e.name] = vars.string(storedSecretValue(tf, e.value_from, at), at);
    } catch (err) {
      warnings.push(`secret environment variable ${e.name} of ${sAt} left out: ${(err as Error).message}`);
    }
  }
  const command =
    Array.isArray(container.command) && container.command.every((c) => typeof c === 'string') ? container.command.join(' ') : undefined;
  return { region, environment, startCommand: command, backend: 'ecs-express', address: sAt };
}

/** The value a secret store of the stack is given, from the ARN reference the service reads (a Secrets Manager secret or an SSM parameter). */
function storedSecretValue(tf: JsonObject, ref: Json, at: string): Json {
  const resources = isObject(tf.resource) ? tf.resource : {};
  const sm = typeof ref === 'string' ? /^\$\{aws_secretsmanager_secret\.([A-Za-z0-9_-]+)\.arn\}$/.exec(ref) : null;
  if (sm) {
    const versions = isObject(resources.aws_secretsmanager_secret_version) ? resources.aws_secretsmanager_secret_version : {};
    const version = Object.values(versions).find(
      (v) =>
        isObject(v) &&
        (v.secret_id === `\${aws_secretsmanager_secret.${sm[1]}.id}` || v.secret_id === `\${aws_secretsmanager_secret.${sm[1]}.arn}`),
    );
    if (isObject(version)) return version.secret_string;
  }
  const ssm = typeof ref === 'string' ? /^\$\{aws_ssm_parameter\.([A-Za-z0-9_-]+)\.arn\}$/.exec(ref) : null;
  const parameters = isObject(resources.aws_ssm_parameter) ? resources.aws_ssm_parameter : {};
  const parameter = ssm ? parameters[ssm[1]!] : undefined;
  if (isObject(parameter)) return parameter.value;
  throw new Error(`${at} = ${JSON.stringify(ref)} is not a secret or parameter of the stack`);
}
