/**
 * The app-wide Ollama state that must outlive a page: the pull manager (pulls keep running while
 * the person moves around) and the installed-models list (refreshed after a pull or a delete,
 * and saved on the device as the last known list for the editor and the selector).
 *
 * Mount <PullsProvider> inside <WorkspaceProvider> and above the router outlet (client/App.tsx, Root).
 */
import { createEffect, createMemo, on, onCleanup, type Accessor, type ParentProps } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { defineContext } from '../context/define-context.tsx';
import { useDeviceSettings } from '../repo/device-settings-context.tsx';
import { useOllamaModels } from './known-models-context.tsx';
import { sameModelName } from '../../shared/ollama/pull-name.ts';
import type { Diagnosis } from '../../shared/ollama/diagnose.ts';
import { createOllamaClient, diagnosisOf, type OllamaClient } from './client.ts';
import { loadInstalledModels, toKnownModel, type InstalledModel, type ShowInfo } from './installed.ts';
import { isActive, makePullManager, type PullJob, type StartResult } from './pull-manager.ts';
import { loadSavedPulls, savePulls } from './saved-pulls.ts';

export interface InstalledState {
  /** null until loaded from the current endpoint (or after a failure): show the last known list then. */
  models: InstalledModel[] | null;
  loading: boolean;
  /** Why the last refresh failed. */
  diagnosis: Diagnosis | null;
  updatedAt: number | null;
}

export interface InstalledModelsApi {
  readonly state: InstalledState;
  /** Reloads /api/tags (+ show, ps) and saves the list on the device. Resolves true on success. */
  refresh(): Promise<boolean>;
  /** Refreshes unless a refresh was tried less than `maxAgeMs` ago (default 60 s). */
  refreshIfStale(maxAgeMs?: number): void;
  /** Deletes a model from Ollama, then refreshes. Resolves null on success, else the diagnosis. */
  remove(name: string): Promise<Diagnosis | null>;
}

export interface PullsContextValue {
  /** Every pull of this session (reactive store, oldest first), until dismissed. */
  readonly jobs: readonly PullJob[];
  /** queued or running pulls */
  activeCount: Accessor<number>;
  /** Starts (or queues) a pull of what was typed: a name, `ollama run …`, a Hugging Face URL. */
  start(input: string): StartResult;
  cancel(id: string): void;
  dismiss(id: string): void;
  /** The latest pull of that model (same name for Ollama), if any. */
  jobFor(name: string): PullJob | undefined;
  /** The client for the device's current endpoint. */
  client: Accessor<OllamaClient>;
  installed: InstalledModelsApi;
}

const PullsContext = defineContext<PullsContextValue>({
  use: 'usePulls',
  provider: 'PullsProvider',
  hint: 'mount it in client/App.tsx Root, inside WorkspaceProvider',
});

export function PullsProvider(props: ParentProps) {
  const device = useDeviceSettings();
  const ollamaModels = useOllamaModels();
  const client = createMemo(() => createOllamaClient(device.settings.ollamaEndpoint));

  // ---- installed models
  const [state, setState] = createStore<InstalledState>({ models: null, loading: false, diagnosis: null, updatedAt: null });
  const showCache = new Map<string, ShowInfo>();
  for (const k of ollamaModels.models()) {
    if (k.digest) showCache.set(k.digest, { capabilities: k.capabilities, contextLength: k.contextLength });
  }
  let generation = 0;
  let lastAttempt = 0;

  const refresh = async (): Promise<boolean> => {
    const gen = ++generation;
    const c = client();
    lastAttempt = Date.now();
    setState({ loading: true });
    try {
      const models = await loadInstalledModels(c, showCache);
      if (gen !== generation) return false;
      setState({ models, loading: false, diagnosis: null, updatedAt: Date.now() });
      ollamaModels.save(models.map(toKnownModel));
      return true;
    } catch (e) {
      if (gen !== generation) return false;
      setState({ models: null, loading: false, diagnosis: diagnosisOf(e) });
      return false;
    }
  };

  // Another endpoint: the loaded list belongs to the previous Ollama.
  createEffect(
    on(
      () => device.settings.ollamaEndpoint,
      () => {
        generation++;
        lastAttempt = 0;
        setState({ models: null, loading: false, diagnosis: null, updatedAt: null });
      },
      { defer: true },
    ),
  );

  const installed: InstalledModelsApi = {
    state,
    refresh,
    refreshIfStale(maxAgeMs = 60_000) {
      if (state.loading || Date.now() - lastAttempt < maxAgeMs) return;
      void refresh();
    },
    async remove(name) {
      try {
        await client().delete(name);
      } catch (e) {
        return diagnosisOf(e);
      }
      // Gone from Ollama: drop it from the lists at once, then reload.
      if (state.models) setState('models', (ms) => ms?.filter((m) => m.name !== name) ?? null);
      ollamaModels.save(ollamaModels.models().filter((m) => m.name !== name));
      await refresh();
      return null;
    },
  };

  // ---- pulls
  const [jobs, setJobs] = createStore<PullJob[]>([]);
  const manager = makePullManager({
    source: () => client(),
    onChange: (list) => setJobs(reconcile([...list], { key: 'id', merge: true })),
    onSuccess: () => void refresh(),
    interrupted: loadSavedPulls(),
    onUnfinished: savePulls,
  });
  setJobs(manager.jobs());
  onCleanup(() => manager.dispose());

  const value: PullsContextValue = {
    jobs,
    activeCount: () => jobs.filter(isActive).length,
    start: (input) => manager.start(input),
    cancel: (id) => manager.cancel(id),
    dismiss: (id) => manager.dismiss(id),
    jobFor: (name) => [...jobs].reverse().find((j) => j.model === name || sameModelName(j.model, name)),
    client,
    installed,
  };
  return <PullsContext.Provider value={value}>{props.children}</PullsContext.Provider>;
}

export const usePulls = PullsContext.use;
