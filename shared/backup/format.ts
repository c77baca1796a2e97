import * as v from 'valibot';

/** A device backup: every document of a workspace, each with its full Automerge history. */
export const BACKUP_FORMAT = 'atelier-backup';
export const BACKUP_MAX_BYTES = 500 * 1024 * 1024;

export interface BackupFile {
  format: typeof BACKUP_FORMAT;
  version: 1;
  createdAt: number;
  workspaceUrl: string;
  /** `data` is the base64 of `Automerge.save(doc)` */
  docs: Array<{ url: string; data: string }>;
  /** documents the index refers to that were not on this device when the backup was made */
  missing: string[];
}

const schema = v.object({
  format: v.literal(BACKUP_FORMAT),
  version: v.literal(1),
  createdAt: v.number(),
  workspaceUrl: v.pipe(v.string(), v.startsWith('automerge:')),
  docs: v.array(v.object({ url: v.pipe(v.string(), v.startsWith('automerge:')), data: v.string() })),
  missing: v.optional(v.array(v.string()), []),
});

export type BackupParse = { ok: true; file: BackupFile } | { ok: false; error: 'not-backup' | 'too-large' };

export function parseBackup(text: string): BackupParse {
  if (text.length > BACKUP_MAX_BYTES) return { ok: false, error: 'too-large' };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, error: 'not-backup' };
  }
  const r = v.safeParse(schema, raw);
  return r.success ? { ok: true, file: r.output as BackupFile } : { ok: false, error: 'not-backup' };
}

export function backupFileName(now: number): string {
  return `atelier-backup-${new Date(now).toISOString().slice(0, 10)}-${now}.json`;
}
