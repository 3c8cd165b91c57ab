/**
 * The AWS target's wire shapes: what the AWS CLI prints for the calls the drill makes, what the run
 * journal stores, and what the preflight reports. Behaviour files import their types from here, never
 * from each other, so no import cycle can form through a type. This module imports nothing.
 */

/** The two services of a stack (core/roles.ts's Role, restated: this module imports nothing). */
export type Role = 'primary' | 'secondary';

/** What was read of each service while resolving and checking it (in its backend's shape), so it is not read again. */
export type ReadServices = Partial<Record<Role, unknown>>;

/** A service the drill acts on. */
export interface ServiceRef {
  readonly role: Role;
  readonly serviceArn: string;
  readonly region: string;
}

// --- App Runner (apprunner 2020-05-15) ---

/** App Runner's ServiceStatus enum. */
export type ServiceStatus = 'CREATE_FAILED' | 'RUNNING' | 'DELETED' | 'DELETE_FAILED' | 'PAUSED' | 'OPERATION_IN_PROGRESS';

export interface ServiceDescription {
  readonly serviceArn: string;
  readonly serviceName: string;
  readonly serviceUrl?: string;
  readonly status: ServiceStatus;
}

export interface OperationSummary {
  readonly id?: string;
  /** START_DEPLOYMENT | CREATE_SERVICE | PAUSE_SERVICE | RESUME_SERVICE | DELETE_SERVICE */
  readonly type?: string;
  /** PENDING | IN_PROGRESS | FAILED | SUCCEEDED | ROLLBACK_* */
  readonly status?: string;
  /** As the CLI prints it: an ISO 8601 time (its default) or seconds since the epoch. */
  readonly startedAt?: string | number;
  readonly endedAt?: string | number;
}

// --- ECS (ecs describe-services) ---

export interface EcsServiceDescription {
  readonly serviceArn: string;
  /** ACTIVE | DRAINING | INACTIVE (botocore ecs Service.status). */
  readonly status: string;
  readonly desiredCount: number;
  readonly runningCount: number;
  readonly pendingCount: number;
  /** The target groups of its loadBalancers, in order. */
  readonly targetGroupArns: readonly string[];
}

// --- ELBv2 listener rules ---

export interface AlbAction {
  readonly Type?: string;
  readonly TargetGroupArn?: string;
  readonly ForwardConfig?: { readonly TargetGroups?: readonly { readonly TargetGroupArn?: string }[] };
  readonly FixedResponseConfig?: { readonly StatusCode?: string };
  readonly [k: string]: unknown;
}

export interface AlbRule {
  readonly RuleArn: string;
  readonly Priority?: string;
  readonly IsDefault?: boolean;
  readonly Conditions?: readonly {
    readonly Field?: string;
    readonly Values?: readonly string[];
    readonly HostHeaderConfig?: { readonly Values?: readonly string[] };
  }[];
  readonly Actions: readonly AlbAction[];
}

/** A service's listener rule, as the preflight found it (or why it did not). */
export interface LiveRule {
  readonly region: string;
  /** The service's target group (describe-services loadBalancers[0]). */
  readonly targetGroupArn?: string;
  readonly listenerArn?: string;
  /** The rule, when one was found. */
  readonly rule?: AlbRule;
  /** Why none was found: the finder's message. */
  readonly notFound?: string;
}

// --- CloudFront, STS, CloudWatch, tagging ---

/** The CLI's JSON for a DistributionConfig, as far as the checks read it. */
export interface DistributionConfigJson {
  readonly Enabled?: boolean;
  readonly Origins?: { readonly Items?: readonly { readonly Id: string; readonly DomainName: string }[] };
  readonly OriginGroups?: {
    readonly Items?: readonly {
      readonly Id: string;
      readonly FailoverCriteria?: { readonly StatusCodes?: { readonly Items?: readonly number[] } };
      readonly Members?: { readonly Items?: readonly { readonly OriginId: string }[] };
    }[];
  };
  readonly DefaultCacheBehavior?: CacheBehaviorJson;
  /** The ordered behaviors, matched before the default one. */
  readonly CacheBehaviors?: { readonly Items?: readonly CacheBehaviorJson[] };
  readonly CustomErrorResponses?: { readonly Items?: readonly { readonly ErrorCode: number; readonly ErrorCachingMinTTL?: number }[] };
}

/** A cache behavior in the CLI's JSON, as far as the checks read it (the default behavior has no PathPattern). */
export interface CacheBehaviorJson {
  readonly PathPattern?: string;
  readonly TargetOriginId?: string;
  readonly AllowedMethods?: { readonly Items?: readonly string[] };
  readonly CachePolicyId?: string;
  readonly OriginRequestPolicyId?: string;
  readonly ForwardedValues?: { readonly Headers?: { readonly Items?: readonly string[] } };
}

/** get-origin-request-policy's OriginRequestPolicyConfig, as far as the checks read it. */
export interface OriginRequestPolicyConfigJson {
  readonly Name?: string;
  readonly HeadersConfig?: { readonly HeaderBehavior?: string; readonly Headers?: { readonly Items?: readonly string[] } };
}

export interface DistributionDescription {
  readonly id: string;
  readonly domainName: string;
  /** "Deployed" or "InProgress". */
  readonly status: string;
  readonly enabled?: boolean;
}

export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
  readonly userId: string;
}

export interface AlarmState {
  readonly name: string;
  readonly region: string;
  /** OK | ALARM | INSUFFICIENT_DATA */
  readonly state: string;
  readonly reason?: string;
  readonly updatedAt?: string;
}

export interface TaggedResource {
  readonly arn: string;
  readonly tags: Readonly<Record<string, string>>;
}

// --- The preflight ---

export interface Finding {
  /** A short stable id, e.g. "failover-criteria-404". */
  readonly check: string;
  /** The setting, as a path in the AWS API's shape, e.g. "OriginGroups.Items[0].FailoverCriteria.StatusCodes". */
  readonly setting: string;
  readonly found: string;
  readonly expected: string;
  /** error: the fault is refused; warning: reported, not refused. */
  readonly severity: 'error' | 'warning';
  readonly ok: boolean;
}

/** A service as the preflight sees it, read with its backend's API. */
export interface LiveService {
  readonly role: Role;
  readonly serviceArn: string;
  /** The service URL's host name (App Runner: describe-service ServiceUrl; ECS Express: its endpoint). */
  readonly host: string;
  /** App Runner: RUNNING, PAUSED, …; ECS: ACTIVE, DRAINING, INACTIVE. */
  readonly status: string;
  readonly tags: Readonly<Record<string, string>>;
  /** ECS Express: the service's task counts (ecs describe-services). */
  readonly tasks?: { readonly running: number; readonly desired: number; readonly pending: number };
  /** ECS Express: the service's listener rule as found (or not) on its load balancer. */
  readonly rule?: LiveRule;
}

// --- The run journal (<stateDir>/<stack>.journal.json) ---

/**
 * ephemeral: apply, drill, destroy. existing: drill a deployed stack, never destroy it.
 * deploy: apply the stack and leave it deployed (`dr-drill up`; `dr-drill down` destroys it).
 */
export type LifecycleMode = 'ephemeral' | 'existing' | 'deploy';

/** The command that opened the journal. */
export type LedgerCommand = 'run' | 'up' | 'down';

/**
 * The options a run was started with that a recovery needs to reach the same tools, endpoints
 * and state: recoverySteps() prints them, and `recover` falls back to them.
 */
export interface RecordedOptions {
  readonly stateDir: string;
  readonly endpointUrl?: string;
  readonly awsCli?: string;
  readonly profile?: string;
  readonly terraform?: string;
  /** Override files copied into the stack directory before init (they stay there). */
  readonly terraformOverrides: readonly string[];
}

/** One AWS CLI call of the printed way back: `aws <args…> --region <region>` plus the run's own options. */
export interface JournalCommand {
  readonly region: string;
  /** Service, operation and arguments, e.g. ["apprunner", "resume-service", "--service-arn", "arn:…"]. */
  readonly args: readonly string[];
}

/**
 * A fault the run owes an undo for, journaled before the call that makes it (the entry stays until
 * the undo is seen in place, or the drill proved the fault never started).
 */
export interface JournalFault {
  /** The backend that made it (config service.backend): the one that undoes it. */
  readonly backend: string;
  readonly role: Role;
  readonly region: string;
  /** The service the fault is on. */
  readonly serviceArn: string;
  /** What the fault changes (App Runner: the service; ECS Express: its listener rule). The entry's key. */
  readonly resource: string;
  /** What the backend needs to undo it (ECS Express: the rule's original actions as describe-rules returned them). */
  readonly undo?: unknown;
  /** The undo by hand: the AWS CLI calls recoverySteps prints. */
  readonly undoCommands: readonly JournalCommand[];
}

export interface JournalEvent {
  readonly at: string;
  readonly what: string;
}

export interface Journal {
  /** 2 since faults are journaled per backend (`faults`); version 1 files are read and converted. */
  readonly version: 2;
  readonly stack: string;
  readonly runId: string;
  readonly mode: LifecycleMode;
  readonly command: LedgerCommand;
  readonly options: RecordedOptions;
  /** The directory terraform runs in. */
  readonly stackDir: string;
  /** Var files the run applied with; destroy needs the same. */
  readonly varFiles: readonly string[];
  /** Regions the run's resources live in (both service regions and us-east-1): the leak sweep's scope. */
  readonly regions: readonly string[];
  readonly startedAt: string;
  /** True from just before `terraform apply` starts. */
  applyStarted: boolean;
  applyFinished: boolean;
  /** True from just before a destroy of the stack is owed (ephemeral apply started, or `down` began). */
  destroyOwed: boolean;
  destroyed: boolean;
  /** Faults the run made (or may have made) and has not yet seen undone: an undo is owed for each. */
  faults: JournalFault[];
  /** Set once teardown completed: the journal is then history, not a to-do list. */
  finishedAt?: string;
  /** Leftovers the leak sweep found, by ARN. */
  leaks: string[];
  events: JournalEvent[];
}
