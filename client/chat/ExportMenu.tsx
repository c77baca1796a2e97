import { createSignal, Show } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { useRepo } from '../repo/repo-context.tsx';
import type { Chat } from './create-chat.ts';
import { exportJson, exportMarkdown } from './import-export.ts';

/** Export the open conversation: Markdown (the visible branch) or Open WebUI JSON (the whole tree). */
export function ExportMenu(props: { chat: Chat }) {
  const { t } = useI18n();
  const { repo } = useRepo();
  const [open, setOpen] = createSignal(false);
  return (
    <div class="export-menu">
      <button type="button" class="secondary small" aria-expanded={open()} onClick={() => setOpen(!open())}>
        {t('chat.export')}
      </button>
      <Show when={open()}>
        <div class="menu-panel" role="group" aria-label={t('chat.export')}>
          <button
            type="button"
            class="secondary small"
            onClick={() => {
              setOpen(false);
              const d = props.chat.doc();
              if (d) exportMarkdown(d, props.chat.catalog, t);
            }}
          >
            {t('chat.exportMarkdown')}
          </button>
          <button
            type="button"
            class="secondary small"
            onClick={() => {
              setOpen(false);
              const d = props.chat.doc();
              const e = props.chat.entry();
              if (d) void exportJson(repo, d, props.chat.catalog, { createdAt: e?.createdAt ?? d.createdAt, updatedAt: e?.updatedAt ?? Date.now(), pinned: e?.pinned ?? false });
            }}
          >
            {t('chat.exportJson')}
          </button>
        </div>
      </Show>
    </div>
  );
}
