/**
 * Cleanup steps registered before the side effects they undo, run last-in first-out,
 * every one of them even when an earlier one fails.
 */

export interface CleanupStepResult {
  readonly name: string;
  /** ran: done; failed: threw; skipped: its condition said there was nothing to undo. */
  readonly status: 'ran' | 'failed' | 'skipped';
  readonly detail: string;
  readonly durationMs: number;
}

export interface CleanupStepOptions {
  /** Runs the step only when this says there is something to undo. @default always */
  readonly when?: () => boolean;
}

type StepFn = (signal: AbortSignal) => Promise<string | void>;

export class CleanupStack {
  private readonly steps: { name: string; run: StepFn; when?: () => boolean }[] = [];

  /** Registers a step; the latest registered runs first. */
  push(name: string, run: StepFn, options: CleanupStepOptions = {}): void {
    this.steps.push({ name, run, when: options.when });
  }

  /** Runs every step once (LIFO) and returns what each did. Never throws. */
  async run(signal: AbortSignal, onStep?: (name: string) => void): Promise<CleanupStepResult[]> {
    const results: CleanupStepResult[] = [];
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      const started = performance.now();
      if (step.when && !step.when()) {
        results.push({ name: step.name, status: 'skipped', detail: 'nothing to undo', durationMs: 0 });
        continue;
      }
      onStep?.(step.name);
      try {
        const detail = await step.run(signal);
        results.push({ name: step.name, status: 'ran', detail: detail ?? 'done', durationMs: performance.now() - started });
      } catch (err) {
        results.push({ name: step.name, status: 'failed', detail: messageOf(err), durationMs: performance.now() - started });
      }
    }
    return results;
  }
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
