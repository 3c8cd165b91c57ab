/** Errors of the HCL export, by kind: usage (fix the input), external (a tool failed), internal (a bug). */
export type HclErrorKind = 'usage' | 'external' | 'internal';

export class HclExportError extends Error {
  constructor(
    readonly kind: HclErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HclExportError';
  }
}
