import { createEffect, createMemo, mapArray, onCleanup, untrack, type Accessor } from 'solid-js';
import * as A from '@automerge/automerge';
import { noteDeviceActor } from '../../../shared/presets/devices.ts';
import { useWorkspaceDoc } from '../../workspace/workspace-doc-context.tsx';
import type { PresetItem } from '../presets-context.tsx';
import { defaultDeviceName, thisDeviceId } from './device-identity.ts';

/**
 * Files under this device every Automerge actor that changed a preset in this session (whatever
 * made the change: editor, card switch, undo, restore, migration), so the history on other
 * devices names this device. An actor this session noted and the workspace lacks (two devices
 * made the map at once and the other's won) is written again.
 */
export function createActorRecorder(items: Accessor<PresetItem[]>): void {
  const { workspace, readOnly } = useWorkspaceDoc();
  const deviceId = thisDeviceId();
  const name = defaultDeviceName(deviceId);
  const mine = new Set<string>();

  const writeMissing = () => {
    const ws = workspace();
    if (!ws || readOnly()) return;
    const known = ws.doc.devices?.[deviceId]?.actors ?? {};
    const missing = [...mine].filter((a) => !known[a]);
    if (missing.length === 0) return;
    ws.change((w) => {
      for (const actor of missing) noteDeviceActor(w, deviceId, actor, name);
    });
  };

  // the workspace arrives, or our entry changes in a merge: write what it lacks
  createEffect(() => {
    const ws = workspace();
    if (!ws) return;
    void Object.keys(ws.doc.devices?.[deviceId]?.actors ?? {}).length;
    untrack(writeMissing);
  });

  const watchers = createMemo(
    mapArray(items, (item) => {
      createEffect(() => {
        const store = item.opened.store();
        if (!store) return;
        const handle = store.handle;
        const check = () => {
          const doc = handle.doc();
          const actor = A.getActorId(doc);
          if (mine.has(actor) || !A.getLastLocalChange(doc)) return;
          mine.add(actor);
          writeMissing();
        };
        check();
        handle.on('change', check);
        onCleanup(() => handle.off('change', check));
      });
    }),
  );
  createEffect(watchers);
}
