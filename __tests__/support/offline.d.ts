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

/** Terraform's name for this machine's platform (os_arch), as a mirror's directories name it. */
export declare const PLATFORM: string;
/** The newest version of hashicorp/aws the mirror `dir` holds whole for `platform`, or why none. */
export declare function awsProviderIn(dir: string, platform?: string): { readonly awsVersion: string } | { readonly reason: string };
export declare function findProviderMirror(): ProviderMirror | { readonly reason: string };
export declare function noInstallCliConfig(): string;
export declare const REAL_AWS_VARIABLES: readonly string[];
export declare function offlineVariables(cliConfigFile: string): Record<string, string>;
export declare function applyOfflineEnvironment(env: Record<string, string | undefined>): Record<string, string>;
