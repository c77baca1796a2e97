import { createMemo, createResource, createSignal, type Accessor, type ParentProps } from 'solid-js';
import { defineContext } from '../context/define-context.tsx';
import { initialWorkspace, type WorkspaceDoc } from '../../shared/schema/index.ts';
import { findOrCreateWorkspace } from '../repo/device-settings.ts';
import { useDeviceSettings } from '../repo/device-settings-context.tsx';
import { openDoc } from '../repo/open-doc.ts';
import { useRepo } from '../repo/repo-context.tsx';
import { createDocStore, type DocStore } from '../store/create-doc-store.ts';

export interface WorkspaceDocValue {
  /** undefined while opening */
  workspace: Accessor<DocStore<WorkspaceDoc> | undefined>;
  /** the workspace was written by a newer version of the app */
  readOnly: Accessor<boolean>;
  /** why the workspace is not open (yet), or null */
  openError: Accessor<string | null>;
}

const WorkspaceDocContext = defineContext<WorkspaceDocValue>({ use: 'useWorkspaceDoc', provider: 'WorkspaceDocProvider' });

const RETRY_MS = 1000;

/** Opens the workspace the device settings point at (or creates it on a fresh device); follows a switch (pairing). */
export function WorkspaceDocProvider(props: ParentProps) {
  const { repo, saves } = useRepo();
  const device = useDeviceSettings();
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

  return (
    <WorkspaceDocContext.Provider value={{ workspace, readOnly, openError: () => loadError() ?? openError() }}>
      {props.children}
    </WorkspaceDocContext.Provider>
  );
}

/** The person's workspace document (index of presets and conversations, workspace settings). */
export const useWorkspaceDoc = WorkspaceDocContext.use;
