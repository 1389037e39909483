/** pino's level names, here without pino itself so that the CLI can list them cheaply. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
