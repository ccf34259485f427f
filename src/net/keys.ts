// The node's libp2p identity: an Ed25519 key whose public half *is* the peer id that
// validators put on their allow-lists. It lives in its own file, apart from the kiosk's
// ballot-signing key, on purpose:
// - it is a transport credential (it authenticates the Noise handshake), not an authority:
//   nothing it signs is ever counted, so a leak lets someone impersonate the kiosk's
//   connection, not forge its ballots or receipts;
// - libp2p keeps it in process memory and hands it to transport code we do not audit; the
//   ballot key stays behind the sealing module's narrow interface;
// - it can be rotated (new peer id, update allow-lists) without re-registering the kiosk,
//   and wiping the ballot key at close of polls does not take the kiosk off the network.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import type { Ed25519PrivateKey } from '@libp2p/interface';
import { err, ok, type Result } from '../shared/result.js';
import { errorMessage } from './errors.js';

export type KeyFileError =
  | { kind: 'unreadable'; path: string; message: string }
  | { kind: 'corrupt'; path: string; message: string }
  | { kind: 'wrong-type'; path: string; keyType: string }
  | { kind: 'unwritable'; path: string; message: string };

export interface LoadedKey {
  key: Ed25519PrivateKey;
  /** True when the file did not exist and a fresh key was written to it. */
  created: boolean;
}

/**
 * Loads the Ed25519 libp2p key from `path` (libp2p's protobuf key encoding), or creates
 * one there if the file does not exist. A file that exists but cannot be used is an error,
 * never silently replaced: a new key means a new peer id, which the allow-lists would
 * refuse, and staff must see why.
 */
export async function loadOrCreatePeerKey(path: string): Promise<Result<LoadedKey, KeyFileError>> {
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      return err({ kind: 'unreadable', path, message: errorMessage(e) });
    }
  }
  if (bytes !== undefined) {
    let key;
    try {
      key = privateKeyFromProtobuf(bytes);
    } catch (e) {
      return err({ kind: 'corrupt', path, message: errorMessage(e) });
    }
    if (key.type !== 'Ed25519') return err({ kind: 'wrong-type', path, keyType: key.type });
    return ok({ key, created: false });
  }

  const key = await generateKeyPair('Ed25519');
  try {
    await mkdir(dirname(path), { recursive: true });
    // Write-then-rename so a crash never leaves a half-written key that would then be
    // reported as corrupt on the next start.
    const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(tmp, privateKeyToProtobuf(key), { mode: 0o600, flag: 'wx' });
    await chmod(tmp, 0o600);
    await rename(tmp, path);
  } catch (e) {
    return err({ kind: 'unwritable', path, message: errorMessage(e) });
  }
  return ok({ key, created: true });
}
