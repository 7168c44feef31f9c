/** A config that cannot be found, compiled, loaded or validated: the CLI prints it and exits 2. */
export class ConfigError extends Error {
  constructor(message: string, readonly file: string | undefined) {
    super(message);
    this.name = 'ConfigError';
  }
}
