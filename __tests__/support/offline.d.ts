/** Types of ./offline.js (plain JavaScript, shared with the jest test environment). */
export declare const MIRROR_CANDIDATES: readonly string[];

export interface ProviderMirror {
  /** The mirror's root (holds registry.terraform.io/hashicorp/aws/<version>/). */
  readonly dir: string;
  /** The hashicorp/aws version the mirror holds. */
  readonly awsVersion: string;
  /** A CLI config that installs from the mirror only, for TF_CLI_CONFIG_FILE. */
  readonly cliConfigFile: string;
}

export declare function findProviderMirror(): ProviderMirror | { readonly reason: string };
export declare function noInstallCliConfig(): string;
export declare const REAL_AWS_VARIABLES: readonly string[];
export declare function offlineVariables(cliConfigFile: string): Record<string, string>;
export declare function applyOfflineEnvironment(env: Record<string, string | undefined>): Record<string, string>;
