import { createSignal, Show } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { useRepo } from '../repo/repo-context.tsx';
import { useDeviceSettings } from '../repo/device-settings-context.tsx';
import { useWorkspaceDoc } from '../workspace/workspace-doc-context.tsx';
import { downloadText } from '../models/download.ts';
import { backupFileName, BACKUP_MAX_BYTES } from '../../shared/backup/format.ts';
import { makeBackup, restoreBackup } from './backup.ts';

export function BackupPanel() {
  const { t } = useI18n();
  const { repo } = useRepo();
  const { workspace } = useWorkspaceDoc();
  const device = useDeviceSettings();
  const [busy, setBusy] = createSignal<string | null>(null);
  const [message, setMessage] = createSignal<{ text: string; error: boolean } | null>(null);

  const backup = async () => {
    const url = device.settings.workspaceUrl;
    if (!url) return;
    setMessage(null);
    const file = await makeBackup(repo, url, (p) => setBusy(t('backup.working', { done: p.done })));
    downloadText(backupFileName(file.createdAt), JSON.stringify(file));
    setBusy(null);
    setMessage({
      text: file.missing.length
        ? t('backup.backedUpMissing', { n: file.docs.length, missing: file.missing.length })
        : t('backup.backedUp', { n: file.docs.length }),
      error: false,
    });
  };

  const restore = async (file: File | undefined) => {
    const ws = workspace();
    if (!file || !ws) return;
    setMessage(null);
    if (file.size > BACKUP_MAX_BYTES) {
      setMessage({ text: t('backup.tooLarge'), error: true });
      return;
    }
    setBusy(t('backup.working', { done: 0 }));
    const r = await restoreBackup(repo, ws.handle, await file.text());
    setBusy(null);
    if (r.ok) setMessage({ text: t('backup.restored', { restored: r.restored, merged: r.merged, entries: r.entriesAdded }), error: false });
    else setMessage({ text: t(r.error === 'not-backup' ? 'backup.notBackup' : r.error === 'too-large' ? 'backup.tooLarge' : 'backup.badDocument'), error: true });
  };

  return (
    <section aria-labelledby="backup-title">
      <h3 id="backup-title">{t('backup.title')}</h3>
      <p class="help">{t('backup.intro')}</p>
      <div class="toolbar">
        <button type="button" disabled={busy() !== null} onClick={() => void backup()}>
          {t('backup.backup')}
        </button>
        <label class="button-like secondary">
          {t('backup.restore')}
          <input
            class="visually-hidden"
            type="file"
            accept=".json,application/json"
            disabled={busy() !== null}
            onChange={(e) => {
              void restore(e.currentTarget.files?.[0]);
              e.currentTarget.value = '';
            }}
          />
        </label>
      </div>
      <Show when={busy()}>
        <p role="status">{busy()}</p>
      </Show>
      <Show when={message()}>
        {(m) => (
          <p role={m().error ? 'alert' : 'status'} classList={{ error: m().error }}>
            {m().text}
          </p>
        )}
      </Show>
    </section>
  );
}
