import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from './stack.js';

/**
 * Loads a module of the built library (`dist/`, what `npm run bench` measures) while taking its types from the
 * sources, so the benches typecheck before anything is built:
 *
 * ```ts
 * const { createStripeMirror } = await loadDist<typeof import('../../src/models/mirror.js')>('models/mirror.js');
 * ```
 */
export async function loadDist<T>(modulePath: string): Promise<T> {
  return (await import(pathToFileURL(path.join(PROJECT_ROOT, 'dist', modulePath)).href)) as T;
}
