import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The built renderer, both when running from src/ (tsx) and from dist/host/ (packaged). */
export function rendererDir(flavour: 'production' | 'demo'): string | null {
  const name = flavour === 'demo' ? 'renderer-demo' : 'renderer';
  const candidates = [join(here, '..', '..', 'dist', name), join(here, '..', '..', name)];
  return candidates.find((c) => existsSync(join(c, 'index.html'))) ?? null;
}
