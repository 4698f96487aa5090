// The plugin's options, as a project's babel.config.js gives them, and the compile-time filters
// they make.
import picomatch from 'picomatch';
import type { ArgsOption } from './values';

export interface InstrumentOptions {
  /** Directory the file names in the trace (and the file globs) are relative to; Babel's cwd by default. */
  cwd?: string;
  /** Instrument only files matching one of these globs (relative to cwd). */
  include?: string[];
  /** Do not instrument files matching one of these globs. */
  exclude?: string[];
  /** Globs on display names (`Class.method`, `get obj.x`, `(anonymous 3:7)`): which functions to instrument. */
  functions?: { include?: string[]; exclude?: string[] };
  /**
   * Where instrumented code finds its recorder. 'global' (the default): in the realm's registry,
   * put there by `panopticon`, Jest or the runtime's API; none means the hooks do nothing.
   * 'auto': the code loads `@panopticon/runtime/auto` itself, which installs an idle recorder that
   * the environment switches on (PANOPTICON_OUTPUT, PANOPTICON_SIGNAL): for builds run with plain node.
   */
  runtime?: 'global' | 'auto';
  /**
   * Record argument and return values (values.ts): true, or filters (display-name globs in
   * `functions`, file globs in `files`). Off by default; off, the emitted code is as without it.
   */
  args?: ArgsOption;
}

export interface Filters {
  file(displayFile: string): boolean;
  fn(name: string): boolean;
}

/** Globs match the whole name; `*` crosses dots but not slashes (names have no slashes but files do). */
function matcher(globs: string[] | undefined): ((s: string) => boolean) | null {
  return globs && globs.length > 0 ? picomatch(globs, { dot: true }) : null;
}

export function compileFilters(options: InstrumentOptions): Filters {
  const fileIn = matcher(options.include);
  const fileOut = matcher(options.exclude);
  const fnIn = matcher(options.functions?.include);
  const fnOut = matcher(options.functions?.exclude);
  return {
    file: (f) => (!fileIn || fileIn(f)) && !(fileOut && fileOut(f)),
    fn: (n) => (!fnIn || fnIn(n)) && !(fnOut && fnOut(n)),
  };
}
