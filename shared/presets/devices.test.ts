import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import { initialWorkspace, type WorkspaceDoc } from '../schema/index.ts';
import { deviceDirectory, noteDeviceActor, renameDevice } from './devices.ts';

describe('devices of a workspace', () => {
  it('name the device of an actor on another replica once the two merge, and keep a rename made elsewhere', () => {
    const base = A.from<WorkspaceDoc>(initialWorkspace('W'));
    let a = A.clone(base);
    let b = A.clone(base);
    a = A.change(a, (w) => noteDeviceActor(w, 'dev-a', 'actor1', 'Chrome, Linux (AAAA)'));
    b = A.change(b, (w) => noteDeviceActor(w, 'dev-b', 'actor2', 'Firefox, Android (BBBB)'));
    a = A.change(a, (w) => noteDeviceActor(w, 'dev-a', 'actor3', 'ignored: the entry exists'));
    // both made the map at once: one of the two maps wins the merge, so each device writes its
    // session's actors again when they are missing (what the client's recorder does)
    a = A.merge(a, b);
    a = A.change(a, (w) => {
      noteDeviceActor(w, 'dev-a', 'actor1', 'Chrome, Linux (AAAA)');
      noteDeviceActor(w, 'dev-a', 'actor3', 'Chrome, Linux (AAAA)');
    });
    b = A.merge(b, a);
    b = A.change(b, (w) => {
      noteDeviceActor(w, 'dev-b', 'actor2', 'Firefox, Android (BBBB)');
      renameDevice(w, 'dev-a', 'Laptop');
    });
    a = A.merge(a, b);
    const dir = deviceDirectory(a.devices);
    expect(dir.deviceOf('actor1')).toBe('dev-a');
    expect(dir.deviceOf('actor3')).toBe('dev-a');
    expect(dir.deviceOf('actor2')).toBe('dev-b');
    expect(dir.deviceOf('nobody')).toBeNull();
    expect(dir.nameOf('dev-a')).toBe('Laptop');
    expect(dir.nameOf('dev-b')).toBe('Firefox, Android (BBBB)');
  });

  it('refuse a blank name and change nothing', () => {
    let w = A.from<WorkspaceDoc>(initialWorkspace('W'));
    w = A.change(w, (d) => noteDeviceActor(d, 'dev-a', 'actor1', 'Phone'));
    const heads = A.getHeads(w);
    w = A.change(w, (d) => {
      expect(renameDevice(d, 'dev-a', '   ')).toBe(false);
    });
    expect(A.getHeads(w)).toEqual(heads);
    expect(deviceDirectory(w.devices).nameOf('dev-a')).toBe('Phone');
  });
});
