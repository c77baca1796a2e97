import type { Widen } from '../i18n/define.ts';

/** English. The French is in strings.fr.ts, loaded only when French is the language in use. */
export const backupEn = {
  title: 'Backup',
  intro: 'One file with every document of this workspace (presets, conversations, pictures, documents), with their full history.',
  backup: 'Back up everything',
  restore: 'Restore from a backup',
  working: 'Working… {{ done }} documents',
  backedUp: 'Backup saved: {{ n }} documents.',
  backedUpMissing: 'Backup saved: {{ n }} documents. {{ missing }} listed documents were not on this device and are not in it.',
  restored: 'Restored: {{ restored }} new documents, {{ merged }} merged with what was here, {{ entries }} entries added to this workspace.',
  notBackup: 'This file is not an Atelier backup. Nothing was changed.',
  badDocument: 'This backup is damaged (a document cannot be read). Nothing was changed.',
  tooLarge: 'This file is too large to be a backup. Nothing was changed.',
  storage: 'Storage on this device',
  used: '{{ used }} used of {{ quota }} available',
  unknownUsage: 'The browser does not report how much storage is used.',
  persistent: 'Storage is persistent: the browser will not clear it on its own.',
  notPersistent: 'Storage is not persistent: the browser may clear it (Safari does after 7 days without use). Pair a relay or back up regularly.',
  askPersist: 'Ask to keep my data',
  nearlyFull: 'Storage is nearly full ({{ percent }} %). Back up, or empty the Trash.',
  lastSync: 'Last synced with the relay: {{ when }}',
  notPaired: 'This device is not paired with a relay: it holds the only copy of your data. Pair a relay or back up.',
  never: 'never',
} as const;

export type BackupStrings = Widen<typeof backupEn>;
