/**
 * Bounds on what the reader accepts. The first two are Keepalived's own; the others exist
 * because Keepalived has none (it hangs or runs out of memory) and vigil must not.
 */

/** Keepalived reads lines with `fgets()` into a 1024-byte buffer (MAXBUF): 1023 bytes fit. */
export const MAX_LINE_BYTES = 1023;

/** Keepalived copies `~SEQ` arguments into a 64-byte buffer: 62 characters and the `)`. */
export const MAX_SEQ_ARGS_LENGTH = 62;

/** Macro substitutions on one line and its residues: `$A=$A` would otherwise loop for ever. */
export const MAX_SUBSTITUTIONS_PER_LINE = 1000;

/**
 * How much `~SEQ`, `~LST` and macros may produce in one document, by default (see
 * ExpansionBudget): 16 MiB of text, or 250 000 short lines, under a second of work.
 */
export const DEFAULT_MAX_EXPANSION = 16 * 1024 * 1024;

/** `~SEQ`/`~LST` nested inside each other (a macro can make them nest without end). */
export const MAX_SEQUENCE_NESTING = 64;

/** Include files open at once (an include inside an include inside ...). */
export const MAX_INCLUDE_DEPTH = 32;

/** Files opened by includes, in all (files that include a file twice, nested, would multiply). */
export const MAX_FILES_READ = 10_000;

/** Files one include pattern may match, and patterns its braces may expand to. */
export const MAX_GLOB_RESULTS = 1000;

/** A configuration file larger than this is not read (it is not a configuration file). */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;
