/** A problem with one plugin package. It never stops the others from loading. */
export interface PluginProblem {
  /** The package name, or the directory when the name could not be read. */
  readonly package: string;
  readonly dir: string;
  readonly message: string;
}

export class PluginLoadError extends Error {
  constructor(
    readonly packageName: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`plugin ${packageName}: ${message}`, options);
    this.name = 'PluginLoadError';
  }
}
