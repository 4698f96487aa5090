// The global registry through which instrumented code finds the recorder of its realm.
//
// The key is a registered symbol, so every copy of this package (two versions in one
// node_modules tree, the classic-script build evaluated into a page) agrees on it, and a
// non-enumerable property, so programs that list their globals see nothing new.
import { Recorder } from './recorder';
import type { RecorderStorage } from './storage';
import { VERSION } from './version';

export const REGISTRY_KEY: unique symbol = Symbol.for('panopticon.runtime') as never;

type Registry = { [REGISTRY_KEY]?: Recorder };
const realm = globalThis as unknown as Registry;

/** The realm's recorder, if any copy of the runtime installed one. */
export function currentRecorder(): Recorder | undefined {
  return realm[REGISTRY_KEY];
}

const warned = Symbol.for('panopticon.runtime.version-warned');

/**
 * Installs this copy's recorder unless the realm has one already, which is then shared: there is
 * one runtime per thread however many copies of the package are loaded. A copy of another version
 * says so once.
 */
export function installRecorder(warn: (message: string) => void = defaultWarn, storage?: RecorderStorage): Recorder {
  const existing = realm[REGISTRY_KEY];
  if (existing) {
    const flags = existing as unknown as Record<symbol, boolean>;
    if (existing.version !== VERSION && !flags[warned]) {
      flags[warned] = true;
      warn(`panopticon: two versions of @panopticon/runtime are loaded (${existing.version} is recording, ${VERSION} is not used)`);
    }
    return existing;
  }
  const recorder = new Recorder(VERSION, storage);
  Object.defineProperty(realm, REGISTRY_KEY, { value: recorder, enumerable: false, configurable: true, writable: false });
  return recorder;
}

/** Removes the realm's recorder (tests and embedders that want a fresh one). */
export function uninstallRecorder(): void {
  delete realm[REGISTRY_KEY];
}

function defaultWarn(message: string): void {
  if (typeof console === 'object' && console !== null) console.warn(message);
}
