// Lists the files of a source tree. node_modules and dot entries (.git, .cache) are not part of a
// tree's sources, and the output directory is skipped when it lies inside the tree (a second run
// must not instrument the first run's output).
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function walkFiles(dir: string, skip: ReadonlySet<string>): string[] {
  const found: string[] = [];
  const visit = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const path = join(d, entry.name);
      if (skip.has(resolve(path))) continue;
      if (entry.isDirectory()) visit(path);
      else if (entry.isFile()) found.push(path);
    }
  };
  visit(dir);
  return found;
}
