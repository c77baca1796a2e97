import { Show, createSignal } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { useRepo } from '../repo/repo-context.tsx';
import { flushLoaded } from '../repo/make-repo.ts';

/**
 * A save that failed, what to do about it, and a Retry. Shown on every page while any of the
 * person's data is not stored; the edits themselves stay in the open documents (memory).
 */
export function SaveFailureBanner() {
  const { t } = useI18n();
  const { repo, saves } = useRepo();
  const [retrying, setRetrying] = createSignal(false);
  const retry = async () => {
    setRetrying(true);
    try {
      // Saves every open document whose latest state is not stored yet; the storage reports
      // each document's outcome, and a failure here leaves the banner up.
      await flushLoaded(repo);
      saves.clear();
    } catch (err) {
      saves.report(err);
    } finally {
      setRetrying(false);
    }
  };
  return (
    <Show when={saves.failure()}>
      {(f) => (
        <div class="banner warning" role="alert">
          <span>
            {f().kind === 'quota' ? t('failures.saveQuota') : f().kind === 'refused' ? t('failures.saveRefused') : t('failures.saveOther')}{' '}
            <small>{t('failures.saveDetail', { detail: f().detail })}</small>
          </span>
          <button type="button" disabled={retrying()} onClick={() => void retry()}>
            {retrying() ? t('failures.retrying') : t('failures.retrySave')}
          </button>
        </div>
      )}
    </Show>
  );
}
