import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import {
  addConversationEntry,
  addPresetEntry,
  entryState,
  forgetUndonePurge,
  initialWorkspace,
  markKept,
  mergeWorkspaceInto,
  moveToTrash,
  purge,
  purgeUndone,
  restoreFromTrash,
  type WorkspaceDoc,
} from './index.ts';

/*
 * "Delete forever" on one device while another, which had not seen it, restores (and edits) the
 * item: the item comes back on both, and the entry says a purge was undone (the person is told).
 */

type Ws = WorkspaceDoc & Record<string, unknown>;

/** A workspace with one preset and one conversation in the Trash, on two devices. */
function trashedOnTwo(): [A.Doc<Ws>, A.Doc<Ws>] {
  let a = A.from(initialWorkspace('w', 1) as Ws);
  a = A.change(a, (d) => {
    addPresetEntry(d, 'p1', 'automerge:p1', 10);
    addConversationEntry(d, 'c1', { url: 'automerge:c1', title: 'Talk', model: 'm' }, 10);
    moveToTrash(d.presets.p1, 20);
    moveToTrash(d.conversations.c1, 20);
  });
  return [a, A.clone(a)];
}

const both = (a: A.Doc<Ws>, b: A.Doc<Ws>) => [A.merge(A.clone(a), b), A.merge(A.clone(b), a)];

describe('purge against a concurrent restore', () => {
  it('a purge holds only against the delete it saw: a restore made without seeing it wins (live on both devices), an uncontradicted or older purge holds', () => {
    let [a, b] = trashedOnTwo();
    // uncontradicted: purged on both, and a later restore cannot undo it
    const alone = A.change(A.clone(a), (d) => purge(d.presets.p1, 30));
    const [sa, sb] = both(alone, b);
    expect(entryState(sa!.presets.p1!)).toBe('purged');
    expect(entryState(sb!.presets.p1!)).toBe('purged');
    expect(entryState(A.change(sb!, (d) => restoreFromTrash(d.presets.p1)).presets.p1!)).toBe('purged');
    // written before purgedFrom existed: holds
    const legacy = A.change(A.clone(a), (d) => {
      d.presets.p1!.purgedAt = 30;
    });
    expect(entryState(legacy.presets.p1!)).toBe('purged');
    // concurrent with a restore: undone
    a = A.change(a, (d) => {
      purge(d.presets.p1, 30);
      purge(d.conversations.c1, 30);
    });
    b = A.change(b, (d) => {
      restoreFromTrash(d.presets.p1);
      restoreFromTrash(d.conversations.c1);
    });
    for (const m of both(a, b)) {
      expect(entryState(m.presets.p1!)).toBe('live');
      expect(entryState(m.conversations.c1!)).toBe('live');
      expect(purgeUndone(m.presets.p1!)).toBe(true);
      expect(purgeUndone(m.conversations.c1!)).toBe(true);
    }
  });

  it('restored, edited and trashed again without seeing the purge: it stays in the Trash, not purged', () => {
    let [a, b] = trashedOnTwo();
    a = A.change(a, (d) => purge(d.presets.p1, 30));
    b = A.change(b, (d) => restoreFromTrash(d.presets.p1));
    b = A.change(b, (d) => moveToTrash(d.presets.p1, 40));
    for (const m of both(a, b)) expect(entryState(m.presets.p1!)).toBe('trash');
  });

  it('once the person was told, the undone purge is forgotten on every device', () => {
    let [a, b] = trashedOnTwo();
    a = A.change(a, (d) => purge(d.presets.p1, 30));
    b = A.change(b, (d) => restoreFromTrash(d.presets.p1));
    const [ma, mb] = both(a, b);
    const told = A.change(ma!, (d) => forgetUndonePurge(d.presets.p1));
    const onB = A.merge(mb!, told);
    expect(purgeUndone(onB.presets.p1!)).toBe(false);
    expect(entryState(onB.presets.p1!)).toBe('live');
  });
});

/** A workspace with one live preset and one live conversation, on two devices. */
function liveOnTwo(): [A.Doc<Ws>, A.Doc<Ws>] {
  const a = A.from(initialWorkspace('w', 1) as Ws);
  const added = A.change(a, (d) => {
    addPresetEntry(d, 'p1', 'automerge:p1', 10);
    addConversationEntry(d, 'c1', { url: 'automerge:c1', title: 'Talk', model: 'm' }, 10);
  });
  return [added, A.clone(added)];
}

describe('purge against a concurrent edit on a device that never saw the delete', () => {
  it('an edit marked on a device that had not seen the delete nor the purge voids the purge: the item is in the Trash on both devices, with a notice', () => {
    let [a, b] = liveOnTwo();
    a = A.change(a, (d) => {
      moveToTrash(d.presets.p1, 20);
      moveToTrash(d.conversations.c1, 20);
    });
    a = A.change(a, (d) => {
      purge(d.presets.p1, 30);
      purge(d.conversations.c1, 30);
    });
    b = A.change(b, (d) => {
      markKept(d.presets.p1);
      markKept(d.conversations.c1);
    });
    for (const m of both(a, b)) {
      expect(entryState(m.presets.p1!)).toBe('trash');
      expect(entryState(m.conversations.c1!)).toBe('trash');
      expect(purgeUndone(m.presets.p1!)).toBe(true);
      expect(purgeUndone(m.conversations.c1!)).toBe(true);
    }
  });

  it('a purge that saw the latest edit holds, and a device that saw the purge writes no token', () => {
    let [a, b] = liveOnTwo();
    b = A.change(b, (d) => markKept(d.presets.p1));
    a = A.merge(a, b);
    a = A.change(a, (d) => moveToTrash(d.presets.p1, 20));
    a = A.change(a, (d) => purge(d.presets.p1, 30));
    const [ma, mb] = both(a, b);
    expect(entryState(ma!.presets.p1!)).toBe('purged');
    expect(entryState(mb!.presets.p1!)).toBe('purged');
    const after = A.change(mb!, (d) => markKept(d.presets.p1));
    expect(A.getHeads(after)).toEqual(A.getHeads(mb!));
    expect(entryState(after.presets.p1!)).toBe('purged');
  });

  it('a purge written before tokens existed holds, unless an edit it had not seen wrote one', () => {
    const [a, b] = liveOnTwo();
    const legacy = A.change(a, (d) => {
      d.presets.p1!.deletedAt = 20;
      d.presets.p1!.purgedAt = 30;
    });
    expect(entryState(legacy.presets.p1!)).toBe('purged');
    const edited = A.change(b, (d) => markKept(d.presets.p1));
    for (const m of both(legacy, edited)) expect(entryState(m.presets.p1!)).toBe('trash');
  });

  it('a workspace joined at pairing keeps the purge and the token it saw, so the purge still holds there', () => {
    let [a] = liveOnTwo();
    a = A.change(a, (d) => markKept(d.presets.p1));
    a = A.change(a, (d) => markKept(d.conversations.c1));
    a = A.change(a, (d) => {
      purge(d.presets.p1, 30);
      purge(d.conversations.c1, 30);
    });
    const joined = A.change(A.from(initialWorkspace('other', 1) as Ws), (d) => mergeWorkspaceInto(d, a));
    expect(entryState(joined.presets.p1!)).toBe('purged');
    expect(entryState(joined.conversations.c1!)).toBe('purged');
  });
});
