// The host's own configuration, pinned in the image (not in the state directory a bundle
// could write to): which election authorities it trusts to provision it and how its key is
// sealed. docs/composition.md §Configuration.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { assertNever, err, ok, type Result } from '../../shared/result.js';

export const HOST_CONFIG_FORMAT = 'veche/host-config/v1';
export const DEFAULT_HOST_CONFIG = '/etc/veche-kiosk/host.json';

export const HostConfigSchema = z.strictObject({
  format: z.literal(HOST_CONFIG_FORMAT),
  /** Ed25519 public keys (hex) of the authorities whose bundles this kiosk accepts. */
  authorityKeys: z
    .array(z.string().regex(/^[0-9a-f]{64}$/))
    .min(1)
    .max(8),
  sealer: z.enum(['systemd-creds', 'passphrase']),
  /** Where exports to a removable drive go (absolute); default DEFAULT_EXPORT_DIR if present. */
  exportDir: z
    .string()
    .regex(/^\/[\x21-\x7e]{0,254}$/)
    .optional(),
});
export type HostConfig = z.infer<typeof HostConfigSchema>;

export type HostConfigError =
  | { readonly kind: 'unreadable'; readonly path: string; readonly code: string }
  | { readonly kind: 'invalid'; readonly path: string; readonly fields: readonly string[] };

export function readHostConfig(path: string): Result<HostConfig, HostConfigError> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'not-json';
    return err({ kind: 'unreadable', path, code });
  }
  const p = HostConfigSchema.safeParse(raw);
  if (!p.success) {
    return err({ kind: 'invalid', path, fields: p.error.issues.map((i) => i.path.join('.')) });
  }
  return ok(p.data);
}

export function describeConfigError(e: HostConfigError): string {
  switch (e.kind) {
    case 'unreadable':
      return `cannot read the host configuration ${e.path} (${e.code})`;
    case 'invalid':
      return `the host configuration ${e.path} is invalid at ${e.fields.join(', ')}`;
    default:
      return assertNever(e, 'host config error');
  }
}
