/** What a conversion produces and documents: the module's files, inputs, outputs and providers. */
import type { SchemaRegistry } from '../schema.js';
import type { Json } from './body.js';

/** Oldest Terraform the exported module declares, unless a feature it uses needs a newer one. */
export const BASE_TERRAFORM_VERSION = '1.5.0';
/** S3-native state locking (`use_lockfile`) arrived in Terraform 1.10. */
export const S3_LOCKFILE_TERRAFORM_VERSION = '1.10.0';

/** The module's files, in the order a reader meets them. */
export const MODULE_FILES = ['versions.tf', 'providers.tf', 'variables.tf', 'main.tf', 'outputs.tf'] as const;
export const TFVARS_EXAMPLE = 'terraform.tfvars.example';
export const README = 'README.md';

export interface ConvertOptions {
  /**
   * Leave the defaults of sensitive variables out of the module (they become required inputs),
   * so secrets are not handed over in code.
   * @default true
   */
  readonly withholdSensitiveDefaults?: boolean;
  /** @default - looked up in the installed @cdktf/provider-* bindings */
  readonly schemas?: SchemaRegistry;
  /**
   * Comments written before items, by path joined with "." (e.g. "locals.probe_app_base64").
   * @default - none
   */
  readonly comments?: ReadonlyMap<string, string>;
}

/** A place where the module deliberately differs from cdk.tf.json, and why. */
export interface Refinement {
  /** Path in Terraform JSON terms, e.g. ['terraform', 'required_version']. */
  readonly path: readonly string[];
  readonly reason: string;
}

export interface VariableDoc {
  readonly name: string;
  readonly type: string;
  readonly description: string;
  /** The default as HCL, or undefined when the variable is required. */
  readonly default?: string;
  readonly sensitive: boolean;
  /** The default was withheld because the variable is sensitive. */
  readonly withheld: boolean;
  readonly validations: readonly string[];
}

export interface OutputDoc {
  readonly name: string;
  readonly description: string;
  readonly sensitive: boolean;
}

export interface ProviderDoc {
  readonly name: string;
  readonly alias?: string;
  readonly region?: string;
  readonly source: string;
  readonly version: string;
}

export interface ConvertedModule {
  /** File name -> content (the .tf files and terraform.tfvars.example; README comes from ./readme.ts). */
  readonly files: ReadonlyMap<string, string>;
  readonly refinements: readonly Refinement[];
  readonly requiredVersion: string;
  readonly providers: readonly ProviderDoc[];
  readonly variables: readonly VariableDoc[];
  readonly outputs: readonly OutputDoc[];
  /** `type.name` of every resource and data source, in file order. */
  readonly resources: readonly string[];
  readonly backend: { readonly type: string; readonly settings: Readonly<Record<string, Json>> } | undefined;
}
