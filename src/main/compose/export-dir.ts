// Where exports to a removable drive are written. The appliance mounts a drive labelled
// VECHE-EXPORT at DEFAULT_EXPORT_DIR (docs/appliance.md, "Exports"); a development machine or
// another deployment names its own folder. No folder: export-to-drive answers
// `no-export-folder` and printing still works.
export const DEFAULT_EXPORT_DIR = '/media/veche-export';

export type ExportDirSource = 'flag' | 'config' | 'default' | 'none';

export function resolveExportDir(o: {
  /** `serve --export-dir`: the operator's explicit choice wins. */
  readonly flag: string | undefined;
  /** host.json `exportDir`. */
  readonly config: string | undefined;
  /** Whether the default mount point exists on this machine (injected for tests). */
  readonly exists: (path: string) => boolean;
}): { readonly dir: string | undefined; readonly source: ExportDirSource } {
  if (o.flag !== undefined && o.flag !== '') return { dir: o.flag, source: 'flag' };
  if (o.config !== undefined) return { dir: o.config, source: 'config' };
  if (o.exists(DEFAULT_EXPORT_DIR)) return { dir: DEFAULT_EXPORT_DIR, source: 'default' };
  return { dir: undefined, source: 'none' };
}
