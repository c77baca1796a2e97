import { createContext, createMemo, createResource, createSignal, onCleanup, useContext, type Accessor, type ParentProps } from 'solid-js';
import type { Repo } from '@automerge/automerge-repo';
import { initialWorkspace, type WorkspaceDoc } from '../../shared/schema/index.ts';
import { makeRepo } from './make-repo.ts';
import { createSaveFailures, type SaveFailures } from './save-failures.ts';
import { createDeviceSettings, findOrCreateWorkspace, type DeviceSettingsStore } from './device-settings.ts';
import { openDoc } from './open-doc.ts';
import type { SyncStatus } from '../sync/sync-status.ts';
import { createDocStore, type DocStore } from '../store/create-doc-store.ts';
import { createSyncEngine, type SyncEngineView } from '../sync/create-sync-engine.ts';
import type { BundleProgress } from '../sync/download-bundle.ts';
import { createKnownModels, type KnownModelsStore } from '../ollama/known-models.ts';
import { createOpenAIConnections, type OpenAIConnectionsStore } from '../openai/connections.ts';

interface WorkspaceContextValue {
  repo: Repo;
  device: DeviceSettingsStore;
  syncStatus: Accessor<SyncStatus>;
  /** entries stored so far while catching up with the relay, or a legacy account's bundle (null when none is under way) */
  bundleProgress: Accessor<BundleProgress | null>;
  /** the encrypted sync: other devices connected, ephemeral messages (leader tab) */
  sync: Pick<SyncEngineView, 'peers' | 'rejected' | 'sendEphemeral' | 'onEphemeral'>;
  /** undefined while opening */
  workspace: Accessor<DocStore<WorkspaceDoc> | undefined>;
  readOnly: Accessor<boolean>;
  openError: Accessor<string | null>;
  /** last known models of this device's Ollama (device-local) */
  ollamaModels: KnownModelsStore;
  /** this device's OpenAI-compatible endpoints and their keys (device-local) */
  openai: OpenAIConnectionsStore;
  /** failed saves of the person's data, shown until a save succeeds; explicit saves report here */
  saves: SaveFailures;
}

const WorkspaceContext = createContext<WorkspaceContextValue>();

const RETRY_MS = 1000;

/** The one place where the device's repo and its workspace are set up. */
export function WorkspaceProvider(props: ParentProps) {
  const saves = createSaveFailures();
  const { repo, documents, ledger, saveBeforeUnload } = makeRepo(saves);
  const device = createDeviceSettings();
  const ollamaModels = createKnownModels();
  const openai = createOpenAIConnections();
  const sync = createSyncEngine(repo, documents, ledger, device);
  const syncStatus = sync.status;
  const [readOnly, setReadOnly] = createSignal(false);
  const [openError, setOpenError] = createSignal<string | null>(null);

  const [handle] = createResource(
    () => device.settings.workspaceUrl ?? 'new',
    async (source) => {
      // A fresh device: one tab creates the workspace, the others (started at the same moment) find it.
      const url =
        source !== 'new'
          ? source
          : await findOrCreateWorkspace(device, async () => {
              const h = repo.create<WorkspaceDoc>(initialWorkspace('My workspace'));
              await repo.flush([h.documentId]).catch(saves.report);
              return h.url;
            });
      // A newly paired device may not have the workspace yet: keep looking until the sync engine delivers it.
      for (;;) {
        const opened = await openDoc<WorkspaceDoc>(repo, url, 'atelier/workspace');
        if (opened.status === 'ok' || opened.status === 'newer') {
          setReadOnly(opened.readOnly);
          setOpenError(null);
          return opened.handle;
        }
        setOpenError(opened.message);
        if (opened.status === 'invalid') throw new Error(opened.message);
        await new Promise((r) => setTimeout(r, RETRY_MS));
        if (device.settings.workspaceUrl !== url) throw new Error('workspace changed');
      }
    },
  );

  // A memo owns the store, so its change listener is removed when the workspace is switched.
  const workspace = createMemo<DocStore<WorkspaceDoc> | undefined>(() => {
    // `latest` keeps the current workspace on screen while another one loads (pairing switches it).
    const h = handle.state === 'errored' ? undefined : handle.latest;
    return h ? createDocStore(h) : undefined;
  });
  const loadError = () => (handle.state === 'errored' ? String(handle.error) : null);

  const { bundleProgress } = sync;

  if (navigator.storage?.persist) void navigator.storage.persist().catch(() => false);

  // The repo writes to IndexedDB a moment after each change. When the page is hidden (a phone
  // may then kill it without another event) or goes away, write now and keep what is still in
  // flight in the journal (see journaled-storage.ts).
  const onVisibility = () => {
    if (document.visibilityState === 'hidden') saveBeforeUnload();
  };
  document.addEventListener('visibilitychange', onVisibility);
  window.addEventListener('pagehide', saveBeforeUnload);
  onCleanup(() => {
    document.removeEventListener('visibilitychange', onVisibility);
    window.removeEventListener('pagehide', saveBeforeUnload);
  });

  return (
    <WorkspaceContext.Provider value={{ repo, device, syncStatus, bundleProgress, sync, workspace, readOnly, ollamaModels, openai, saves, openError: () => loadError() ?? openError() }}>
      {props.children}
    </WorkspaceContext.Provider>
  );
}

export function useWorkspace(): WorkspaceContextValue {
  const ctx = useContext(WorkspaceContext);
  if (!ctx) throw new Error('useWorkspace outside WorkspaceProvider');
  return ctx;
}
