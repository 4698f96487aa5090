// Which files are instrumented: the program's own files, not node_modules (unless asked), never
// the tracer itself, narrowed or widened by --include/--exclude globs.
import { dirname, join, relative, sep } from 'node:path';
import { realpathSync } from 'node:fs';
import picomatch from 'picomatch';
import type { TraceOptions } from './options';

export type FileFilter = (filename: string) => boolean;

/**
 * Directories of Panopticon's own code, real paths (workspaces link them into node_modules): the
 * compiled output of each package, not the package root, so that programs kept next to the
 * tracer's sources (its tests' fixtures, an example in a checkout) are still instrumented.
 */
function tracerDirs(): string[] {
  const dirs = [__dirname, join(dirname(__dirname), 'bin')];
  for (const pkg of ['@panopticon/runtime', '@panopticon/babel-plugin', '@panopticon/jest']) {
    try {
      dirs.push(dirname(realpathSync(require.resolve(pkg))));
    } catch {
      // not installed next to us: nothing of it can be loaded by the program either
    }
  }
  return dirs.map((d) => d + sep);
}

export function fileFilter(options: Pick<TraceOptions, 'includeNodeModules' | 'include' | 'exclude' | 'cwd'>): FileFilter {
  const own = tracerDirs();
  const include = options.include.length ? picomatch(options.include, { dot: true }) : null;
  const exclude = options.exclude.length ? picomatch(options.exclude, { dot: true }) : null;
  return (filename) => {
    if (own.some((d) => filename.startsWith(d))) return false;
    const rel = relative(options.cwd, filename).split(sep).join('/');
    if (include?.(rel) || include?.(filename)) return !(exclude?.(rel) || exclude?.(filename));
    if (include) return false;
    if (!options.includeNodeModules && filename.split(sep).includes('node_modules')) return false;
    return !(exclude?.(rel) || exclude?.(filename));
  };
}
