import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import { ImmutableString } from '@automerge/automerge';
import {
  addConversationEntry,
  addPresetEntry,
  addToolEntry,
  checkDoc,
  immutable,
  initialWorkspace,
  mergeWorkspaceInto,
  migrate,
  referencedUrls,
  setEntryModel,
  setEntryTitle,
  storedString,
  type WorkspaceDoc,
} from './index.ts';

const URL_A = 'automerge:4PnAd7B72rid7iqZEf4GRqiGj3Xf';
const URL_B = 'automerge:2j9knpCseyhnK8izDmLpGP5WMdZQ';

const workspace = (): A.Doc<WorkspaceDoc> => A.from(initialWorkspace('Home', 1));

/** A workspace entry as builds before schema 2 wrote it: every string as collaborative text. */
function addPlainEntry(d: WorkspaceDoc, id: string, e: { url: string; title: string; model: string }, now: number): void {
  d.conversations[id] = { ...e, createdAt: now, updatedAt: now, pinned: false, deletedAt: null, purgedAt: null };
}

const entryFor = (i: number) => ({
  url: `automerge:${String(i).padStart(6, '0')}x7iqZEf4GRqiGj3XfAbCdEfGh`,
  title: `Conversation ${i} about merge history and offline sync`,
  model: 'preset:preset00042',
});

describe('storedString', () => {
  it('reads a plain string, an ImmutableString and the { val } object a structured clone makes of one', () => {
    expect(storedString('abc')).toBe('abc');
    expect(storedString(new ImmutableString('abc'))).toBe('abc');
    expect(storedString(structuredClone(new ImmutableString('abc')))).toBe('abc');
    expect(storedString(new ImmutableString(''))).toBe('');
  });

  it('immutable() makes one ImmutableString from any of those forms', () => {
    for (const s of ['x', new ImmutableString('x'), { val: 'x' }]) {
      const v = immutable(s);
      expect(v).toBeInstanceOf(ImmutableString);
      expect(v.val).toBe('x');
    }
  });
});

describe('workspace entries', () => {
  it('are written with ImmutableStrings and read back as strings', () => {
    const ws = A.change(workspace(), (d) => {
      addConversationEntry(d, 'c1', { url: URL_A, title: 'Hello', model: 'preset:x' }, 5);
      addPresetEntry(d, 'p1', URL_B, 5);
      addToolEntry(d, 't1', URL_B, 5);
    });
    const c = ws.conversations.c1!;
    expect(A.isImmutableString(c.url) && A.isImmutableString(c.title) && A.isImmutableString(c.model)).toBe(true);
    expect(A.isImmutableString(ws.presets.p1!.url)).toBe(true);
    expect(A.isImmutableString(ws.tools!.t1!.url)).toBe(true);
    expect([storedString(c.url), storedString(c.title), storedString(c.model)]).toEqual([URL_A, 'Hello', 'preset:x']);
    // survives a save and a load (another device, a restart)
    const loaded = A.load<WorkspaceDoc>(A.save(ws));
    expect(storedString(loaded.conversations.c1!.title)).toBe('Hello');
    expect(A.isImmutableString(loaded.conversations.c1!.title)).toBe(true);
  });

  it('a rename or a new model replaces the value, and writes nothing when it is the same (old text entries too)', () => {
    let ws = A.change(workspace(), (d) => {
      addConversationEntry(d, 'c1', { url: URL_A, title: 'Hello', model: 'a' }, 5);
      addPlainEntry(d, 'old', { url: URL_B, title: 'Old', model: 'a' }, 5);
    });
    const heads = A.getHeads(ws);
    ws = A.change(ws, (d) => {
      setEntryTitle(d.conversations.c1!, 'Hello');
      setEntryModel(d.conversations.c1!, 'a');
      setEntryTitle(d.conversations.old!, 'Old');
    });
    expect(A.getHeads(ws)).toEqual(heads);
    ws = A.change(ws, (d) => {
      setEntryTitle(d.conversations.c1!, 'Renamed');
      setEntryModel(d.conversations.c1!, 'b');
      setEntryTitle(d.conversations.old!, 'Old renamed');
    });
    expect(storedString(ws.conversations.c1!.title)).toBe('Renamed');
    expect(storedString(ws.conversations.c1!.model)).toBe('b');
    // an entry written as text by an older build becomes a single value on its next rename
    expect(A.isImmutableString(ws.conversations.old!.title)).toBe(true);
    expect(storedString(ws.conversations.old!.title)).toBe('Old renamed');
  });

  it('concurrent renames: one title wins everywhere (no interleaved characters)', () => {
    const base = A.change(workspace(), (d) => addConversationEntry(d, 'c1', { url: URL_A, title: 'Hello', model: 'a' }, 5));
    const a = A.change(A.clone(base), (d) => setEntryTitle(d.conversations.c1!, 'From A'));
    const b = A.change(A.clone(base), (d) => setEntryTitle(d.conversations.c1!, 'From B'));
    const ab = A.merge(A.clone(a), b);
    const ba = A.merge(A.clone(b), a);
    expect(storedString(ab.conversations.c1!.title)).toBe(storedString(ba.conversations.c1!.title));
    expect(['From A', 'From B']).toContain(storedString(ab.conversations.c1!.title));
  });

  it('mergeWorkspaceInto copies old text entries, ImmutableString entries and cloned { val } entries as ImmutableStrings', () => {
    const source = A.change(workspace(), (d) => {
      addConversationEntry(d, 'new', { url: URL_A, title: 'New', model: 'm' }, 5);
      addPlainEntry(d, 'old', { url: URL_B, title: 'Old', model: 'm' }, 5);
      addPresetEntry(d, 'p1', URL_A, 5);
      addToolEntry(d, 't1', URL_B, 5);
    });
    for (const src of [source, structuredClone(source) as WorkspaceDoc]) {
      const target = A.change(workspace(), (d) => {
        expect(mergeWorkspaceInto(d, src)).toBe(4);
      });
      expect(checkDoc('atelier/workspace', target).status).toBe('ok');
      for (const e of [target.conversations.new!, target.conversations.old!]) {
        expect(A.isImmutableString(e.url) && A.isImmutableString(e.title) && A.isImmutableString(e.model)).toBe(true);
      }
      expect(storedString(target.conversations.old!.title)).toBe('Old');
      expect(storedString(target.presets.p1!.url)).toBe(URL_A);
      expect(storedString(target.tools!.t1!.url)).toBe(URL_B);
    }
  });

  it('referencedUrls finds urls held as ImmutableStrings', () => {
    const ws = A.change(workspace(), (d) => {
      addConversationEntry(d, 'c1', { url: URL_A, title: 'x', model: 'm' }, 5);
      addPlainEntry(d, 'old', { url: URL_B, title: 'y', model: 'm' }, 5);
    });
    expect([...referencedUrls(ws)].sort()).toEqual([URL_A, URL_B].sort());
  });

  it('1,000 entries: ~9 operations each instead of ~80, and a much smaller saved document', () => {
    const count = 1000;
    let before = workspace();
    let after = workspace();
    before = A.change(before, (d) => {
      for (let i = 0; i < count; i++) addPlainEntry(d, `c${i}`, entryFor(i), 1_700_000_000_000 + i);
    });
    after = A.change(after, (d) => {
      for (let i = 0; i < count; i++) addConversationEntry(d, `c${i}`, entryFor(i), 1_700_000_000_000 + i);
    });
    const opsBefore = A.stats(before).numOps;
    const opsAfter = A.stats(after).numOps;
    const bytesBefore = A.save(before).byteLength;
    const bytesAfter = A.save(after).byteLength;
    console.log(`1,000 entries: ${opsBefore} → ${opsAfter} ops, ${bytesBefore} → ${bytesAfter} bytes saved`);
    expect(opsAfter / count).toBeLessThanOrEqual(10);
    expect(opsBefore / count).toBeGreaterThan(80);
    expect(bytesAfter).toBeLessThan(bytesBefore * 0.75);
  });
});

describe('workspace validation and schema 2', () => {
  it('accepts entries holding plain strings, ImmutableStrings, or both', () => {
    const ws = A.change(workspace(), (d) => {
      addConversationEntry(d, 'new', { url: URL_A, title: 'New', model: 'm' }, 5);
      addPlainEntry(d, 'old', { url: URL_B, title: 'Old', model: 'm' }, 5);
      d.presets.old = { url: URL_B, addedAt: 1, deletedAt: null, purgedAt: null };
      addPresetEntry(d, 'new', URL_A, 5);
    });
    expect(checkDoc('atelier/workspace', ws).status).toBe('ok');
    // a clone (as a backup or a worker might hold it) too
    expect(checkDoc('atelier/workspace', structuredClone(ws)).status).toBe('ok');
  });

  it('still rejects a wrong type where a string is expected', () => {
    const bad = { ...initialWorkspace('x'), conversations: { c: { url: URL_A, title: { val: 3 }, model: '', createdAt: 1, updatedAt: 1, pinned: false, deletedAt: null, purgedAt: null } } };
    const r = checkDoc('atelier/workspace', bad);
    expect(r.status === 'invalid' && r.message).toMatch(/^conversations\.c\.title/);
  });

  it('a schema 1 workspace is migrated to 2 with its text entries untouched; a newer one is read-only', () => {
    const v1 = A.change(A.from({ ...initialWorkspace('Old', 1), schema: 1 } as WorkspaceDoc), (d) =>
      addPlainEntry(d, 'old', { url: URL_B, title: 'Old', model: 'm' }, 5),
    );
    expect(checkDoc('atelier/workspace', v1)).toEqual({ status: 'outdated', version: 1 });
    const migrated = A.change(v1, (d) => {
      expect(migrate('atelier/workspace', d as unknown as Record<string, unknown>)).toBe(1);
    });
    expect(migrated.schema).toBe(2);
    expect(checkDoc('atelier/workspace', migrated).status).toBe('ok');
    expect(typeof migrated.conversations.old!.title).toBe('string');
    expect(storedString(migrated.conversations.old!.title)).toBe('Old');
    // a build of schema 2 seeing a workspace from a later one shows it read-only
    expect(checkDoc('atelier/workspace', { ...initialWorkspace('x'), schema: 3 }).status).toBe('newer');
  });
});
