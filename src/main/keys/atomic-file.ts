// Small files that must never be half-written (sealed keys, the provisioning record, the PIN
// lockout counter): write a temporary sibling, fsync it, rename it over the target, fsync the
// directory. A crash leaves either the old file or the new one, never a torn mix, and the
// rename is on disk before we report success.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { err, ok, type Result } from '../../shared/result.js';

export type FileError = {
  readonly kind: 'io';
  readonly op: 'read' | 'write' | 'wipe';
  readonly code: string;
};

function code(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
}

async function fsyncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/** Atomically replaces `path` with `data`, readable by the owner only (0600 by default). */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array,
  mode = 0o600,
): Promise<Result<void, FileError>> {
  const dir = dirname(path);
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // 'wx': never follow or reuse something already sitting at the temporary name.
    const fh = await open(tmp, 'wx', mode);
    try {
      await fh.writeFile(data);
      // The process umask may have narrowed (or a lax one widened) the mode given to open.
      await fh.chmod(mode);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    await fsyncDir(dir);
    return ok(undefined);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    return err({ kind: 'io', op: 'write', code: code(e) });
  }
}

/** The file's bytes, or null when it does not exist. */
export async function readFileIfExists(
  path: string,
): Promise<Result<Uint8Array | null, FileError>> {
  try {
    return ok(new Uint8Array(await readFile(path)));
  } catch (e) {
    if (code(e) === 'ENOENT') return ok(null);
    return err({ kind: 'io', op: 'read', code: code(e) });
  }
}

/**
 * Overwrites the file in place with random bytes, fsyncs, then unlinks it. On a magnetic disk
 * or a plain file system over one this destroys the content; on flash (SD, eMMC, SSD) the
 * controller remaps writes, so old blocks may survive until garbage collection and a chip-off
 * read could recover them. docs/keys.md explains why the sealed key is what protects us there.
 */
export async function wipeFile(path: string): Promise<Result<{ existed: boolean }, FileError>> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (e) {
    if (code(e) === 'ENOENT') return ok({ existed: false });
    return err({ kind: 'io', op: 'wipe', code: code(e) });
  }
  try {
    const fh = await open(path, 'r+');
    try {
      await fh.write(randomBytes(size), 0, size, 0);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await unlink(path);
    await fsyncDir(dirname(path));
    return ok({ existed: true });
  } catch (e) {
    return err({ kind: 'io', op: 'wipe', code: code(e) });
  }
}
