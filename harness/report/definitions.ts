/**
 * What each figure of a run means, in one place: summary.md, timeline.html (built from the same
 * tree) and the console's closing lines all print these, so a figure is defined where it is shown
 * and the three cannot drift apart. The definitions follow `analysis/measure.ts`.
 */

export interface Definition {
  /** The figure's name as the reports show it. */
  readonly term: string;
  /** One line for the console. */
  readonly short: string;
  /** What starts and ends it, for summary.md and timeline.html. */
  readonly text: string;
}

export const DEFINITIONS = {
  failover: {
    term: 'Failover time',
    short: 'primary failure seen by the direct probes → arrival of the first 2xx edge GET served by the secondary',
    text:
      'from the moment the direct probes saw the primary fail (the send time of the first direct probe of the primary, ' +
      'sent after the fault injection started, that got no 2xx) to the arrival of the first 2xx edge GET served by the ' +
      'secondary (sent after the injection started). 0 and flagged early when the edge switched before the direct probes saw the failure.',
  },
  failback: {
    term: 'Failback time',
    short: 'primary recovery seen by the direct probes → arrival of the first 2xx edge GET served by the primary',
    text:
      'from the moment the direct probes saw the primary answer again (the send time of the first direct probe of the ' +
      'primary, sent after recovery started, that got a 2xx) to the arrival of the first 2xx edge GET served by the ' +
      'primary (sent after recovery started). 0 and flagged early when the edge switched back first.',
  },
  since: {
    term: '+ times',
    short: '“+N s” is counted from the start of the drill (startedAt in run.json), the chart’s x axis',
    text: 'seconds since the drill started (startedAt in run.json), the clock of the chart’s x axis.',
  },
  originChanged: {
    term: 'Origin changed (direct probes)',
    short: 'the send time of the direct probe of the primary that first saw it fail (or recover)',
    text: 'the send time of the first direct probe of the primary that saw it fail (failover) or answer again (failback): where the time starts.',
  },
  edgeSwitched: {
    term: 'Edge switched',
    short: 'the arrival of the first 2xx edge GET from the other origin',
    text: 'the arrival of the first 2xx edge GET served by the secondary (failover) or the primary (failback): where the time ends.',
  },
  declared: {
    term: 'Declared',
    short: '“N consecutive edge GETs … s after injection” counts from the start of the injection (or of recovery) to the Nth consecutive answer from the expected origin',
    text:
      'the drill declares a failover (failback) once it has seen the configured number of consecutive 2xx edge GETs ' +
      'answered by the secondary (primary); the phase lines time this from the start of the injection (of recovery), ' +
      'so it is longer than the failover (failback) time.',
  },
} as const satisfies Readonly<Record<string, Definition>>;

export type DefinitionId = keyof typeof DEFINITIONS;

/** The definitions of the failover and failback figures, in the order the reports list them. */
export const FIGURE_DEFINITIONS: readonly DefinitionId[] = ['failover', 'failback', 'originChanged', 'edgeSwitched', 'since', 'declared'];

/** The figures the console shows: in the verdict, and in the observe phases' lines. */
export const CONSOLE_DEFINITIONS: readonly DefinitionId[] = ['failover', 'failback', 'declared'];

/** The console's lines under the verdict: each figure it printed, defined in one line. */
export function consoleDefinitions(): string {
  return CONSOLE_DEFINITIONS.map((id) => `  ${DEFINITIONS[id].term}: ${DEFINITIONS[id].short}`).join('\n');
}

/** The verdict as the console closes a run or a re-judge: its summary, then the definitions of its figures. */
export function verdictLines(run: { readonly verdict: { readonly summary: string } }): string {
  return `${run.verdict.summary}\n${consoleDefinitions()}`;
}
