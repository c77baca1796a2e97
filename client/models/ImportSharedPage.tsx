import { A } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { decodeSharePayload } from '../../shared/share/link.ts';
import { parseOpenWebUIImport } from '../../shared/openwebui/codec.ts';
import type { ImportResult } from '../../shared/openwebui/types.ts';
import { ImportPanel } from './ImportPanel.tsx';
import { noteText } from './import-notes.ts';

/** Where a share link lands: the preset travels in the fragment, decoded here on the device. */
export function ImportSharedPage() {
  const { t } = useI18n();
  const payload = new URLSearchParams(location.hash.slice(1)).get('share') ?? '';
  const decoded = decodeSharePayload(payload);
  const [confirmed, setConfirmed] = createSignal(false);
  const result: ImportResult = decoded.ok ? parseOpenWebUIImport(decoded.text) : { ok: false, error: { code: 'wrong-shape' } };
  return (
    <section aria-labelledby="shared-title">
      <A href="/models">{t('models.back')}</A>
      <h1 id="shared-title">{t('models.sharedPreset')}</h1>
      <Show when={decoded.ok && result.ok} fallback={<p role="alert">{t('models.importFileError.bad-link')}</p>}>
        <Show
          when={confirmed()}
          fallback={
            <>
              <p>{t('models.sharedPresetIntro')}</p>
              <ul>
                <For each={result.ok ? result.items : []}>
                  {(p) => (
                    <li>
                      <strong>{p.name}</strong> <code>{p.slug}</code> — {p.baseModel}
                      {/* told before importing: the preset arrives without these documents */}
                      <Show when={p.notes.some((n) => n.code === 'knowledge-left-out')}>
                        <ul>
                          <For each={p.notes.filter((n) => n.code === 'knowledge-left-out')}>{(n) => <li>{noteText(t, n)}</li>}</For>
                        </ul>
                      </Show>
                    </li>
                  )}
                </For>
              </ul>
              <button type="button" onClick={() => setConfirmed(true)}>
                {t('models.importApply')}
              </button>
            </>
          }
        >
          <ImportPanel initial={result} />
        </Show>
      </Show>
    </section>
  );
}
