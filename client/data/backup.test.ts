import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import { parseAutomergeUrl, Repo, updateText, type PeerId } from '@automerge/automerge-repo';
import { SlowStorage } from '../repo/slow-storage.test-helper.ts';
import { addPresetEntry, storedString, initialBlob, initialPreset, initialWorkspace, newId, type BlobDoc, type PresetDoc, type WorkspaceDoc } from '../../shared/schema/index.ts';
import { makeBackup, restoreBackup } from './backup.ts';

/** A device's repo; no storage needed: documents stay in memory for the test. */
function device() {
  return new Repo({ network: [] });
}

function seed(repo: Repo) {
  const ws = repo.create<WorkspaceDoc>(initialWorkspace('Home'));
  const blob = repo.create<BlobDoc>(initialBlob('image/webp', new Uint8Array([1, 2, 3])));
  const id = newId();
  const preset = repo.create<PresetDoc>({ ...initialPreset({ id, slug: 'tutor', name: 'Tutor', baseModel: 'llama3.2' }), avatar: blob.url });
  preset.change((d) => updateText(d, ['system'], 'Be kind.'));
  ws.change((d) => addPresetEntry(d, id, preset.url));
  return { ws, blob, preset, id };
}

describe('backup and restore', () => {
  it('a backup holds the workspace and every document it reaches; restoring it on an empty device brings them all', async () => {
    const a = device();
    const { ws, blob, preset, id } = seed(a);
    const file = await makeBackup(a, ws.url);
    expect(file.docs.map((d) => d.url).sort()).toEqual([ws.url, blob.url, preset.url].sort());
    expect(file.missing).toEqual([]);

    const b = device();
    const own = b.create<WorkspaceDoc>(initialWorkspace('Phone'));
    const r = await restoreBackup(b, own, JSON.stringify(file));
    expect(r).toEqual({ ok: true, restored: 3, merged: 0, entriesAdded: 1 });
    expect(storedString(own.doc().presets[id]?.url ?? '')).toBe(preset.url);
    const restored = await b.find<PresetDoc>(preset.url);
    expect(restored.doc().system).toBe('Be kind.');
    expect(Array.from((await b.find<BlobDoc>(blob.url)).doc().data)).toEqual([1, 2, 3]);
  });

  it('restoring into a device that changed since merges, never overwrites', async () => {
    const a = device();
    const { ws, preset } = seed(a);
    const file = await makeBackup(a, ws.url);
    preset.change((d) => updateText(d, ['system'], 'Be kind. Be brief.'));
    const r = await restoreBackup(a, ws, JSON.stringify(file));
    expect(r.ok && r.merged).toBe(3);
    expect(preset.doc().system).toBe('Be kind. Be brief.');
  });

  it('restoring while a document still loads from storage merges the backup into what storage held', async () => {
    const a = device();
    const { ws, preset } = seed(a);
    // This device stored the preset with a change of its own; its storage is slow to answer.
    const storage = new SlowStorage();
    const { documentId } = parseAutomergeUrl(preset.url);
    const here = A.change(A.clone(preset.doc()), (d) => void (d.name = 'Tutor (this device)'));
    await storage.save([documentId, 'snapshot', 'here'], A.save(here));
    preset.change((d) => updateText(d, ['system'], 'Be kind. Be brief.'));
    const file = await makeBackup(a, ws.url);

    const b = new Repo({ storage, network: [], peerId: 'b' as PeerId, saveDebounceRate: 60_000 });
    try {
      const own = b.create<WorkspaceDoc>(initialWorkspace('Phone'));
      const restoring = restoreBackup(b, own, JSON.stringify(file));
      await storage.loading;
      expect((await restoring).ok).toBe(true);
      storage.release();
      const restored = await b.find<PresetDoc>(preset.url);
      await expect.poll(() => restored.doc().system).toBe('Be kind. Be brief.');
      expect(storedString(restored.doc().name)).toBe('Tutor (this device)');
    } finally {
      await b.shutdown();
    }
  });

  it('a damaged file is refused and changes nothing', async () => {
    const a = device();
    const { ws } = seed(a);
    const file = await makeBackup(a, ws.url);
    const before = JSON.stringify(ws.doc());
    expect(await restoreBackup(a, ws, 'not json')).toEqual({ ok: false, error: 'not-backup' });
    expect(await restoreBackup(a, ws, JSON.stringify({ ...file, format: 'other' }))).toEqual({ ok: false, error: 'not-backup' });
    const broken = { ...file, docs: file.docs.map((d, i) => (i === 1 ? { ...d, data: 'AAAA' } : d)) };
    const r = await restoreBackup(a, ws, JSON.stringify(broken));
    expect(r.ok).toBe(false);
    expect(JSON.stringify(ws.doc())).toBe(before);
  });
});
