import { createMemo, onCleanup } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import * as v from 'valibot';
import { makePersisted } from '../device/persisted.ts';
import { deviceStorageProblems, dismissDeviceStorageProblems } from '../device/storage-problems.ts';

/**
 * Settings that belong to this device and are never synced: a phone reaches Ollama
 * at another address than the desktop, and the relay token is a secret of the device.
 */
export interface RelayLink {
  /** ws(s)://host:port/sync */
  url: string;
  token: string;
}

/** A type alias (not an interface): the stored object adds unknown keys to it. */
export type DeviceSettings = {
  workspaceUrl: string | null;
  relay: RelayLink | null;
  ollamaEndpoint: string;
  lastSyncAt: number | null;
  /** the workspace's end-to-end key, base64url (shared/sync/chunk-crypto.ts); never sent to the relay */
  workspaceKey: string | null;
};

const KEY = 'atelier.device';
/** Where an unreadable stored value is kept, so nothing the person set is thrown away. */
export const UNREADABLE_KEY = 'atelier.device.unreadable';
export const DEFAULT_OLLAMA_ENDPOINT = 'http://localhost:11434';

const DEFAULTS: DeviceSettings = { workspaceUrl: null, relay: null, ollamaEndpoint: DEFAULT_OLLAMA_ENDPOINT, lastSyncAt: null, workspaceKey: null };

/** Unknown keys (a newer version's) pass through, so a write by this version keeps them. */
const Stored = v.looseObject({
  workspaceUrl: v.optional(v.nullable(v.string()), null),
  relay: v.optional(v.nullable(v.object({ url: v.string(), token: v.string() })), null),
  ollamaEndpoint: v.optional(v.string(), DEFAULT_OLLAMA_ENDPOINT),
  lastSyncAt: v.optional(v.nullable(v.number()), null),
  workspaceKey: v.optional(v.nullable(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/))), null),
});
/** The same, field by field: a bad field falls back to its default and the others are kept. */
const Salvaged = v.looseObject({
  workspaceUrl: v.fallback(Stored.entries.workspaceUrl, null),
  relay: v.fallback(Stored.entries.relay, null),
  ollamaEndpoint: v.fallback(Stored.entries.ollamaEndpoint, DEFAULT_OLLAMA_ENDPOINT),
  lastSyncAt: v.fallback(Stored.entries.lastSyncAt, null),
  workspaceKey: v.fallback(Stored.entries.workspaceKey, null),
});

/** The stored object: the settings and any keys this version does not know (kept on write). */
type StoredSettings = v.InferOutput<typeof Stored>;

/** What a device-settings problem is, for the alert that tells the person. */
export type DeviceSettingsProblem = { kind: 'unreadable' } | { kind: 'unwritable'; detail: string };

/** An Automerge URL in damaged settings text: the workspace is what the person would miss most. */
const WORKSPACE_IN_TEXT = /"workspaceUrl"\s*:\s*"(automerge:[1-9A-HJ-NP-Za-km-z]+)"/;
/** …and the key that reads it once synced */
const KEY_IN_TEXT = /"workspaceKey"\s*:\s*"([A-Za-z0-9_-]{43})"/;

/** Defaults, but the workspace the damaged text still names (opening another one would hide the person's data). */
function salvageText(raw: string): DeviceSettings {
  return { ...DEFAULTS, workspaceUrl: WORKSPACE_IN_TEXT.exec(raw)?.[1] ?? null, workspaceKey: KEY_IN_TEXT.exec(raw)?.[1] ?? null };
}

const known = (s: StoredSettings): DeviceSettings => ({
  workspaceUrl: s.workspaceUrl,
  relay: s.relay,
  ollamaEndpoint: s.ollamaEndpoint,
  lastSyncAt: s.lastSyncAt,
  workspaceKey: s.workspaceKey,
});

const stored = makePersisted<StoredSettings>({
  key: KEY,
  what: 'deviceSettings',
  schema: Stored,
  fallback: () => ({ ...DEFAULTS }),
  keepInvalid: true,
  salvage: (parsed, text) => (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? v.parse(Salvaged, parsed) : salvageText(text)),
});

export type DeviceSettingsStore = ReturnType<typeof createDeviceSettings>;

/**
 * A reactive view of the device settings in localStorage, shared by every tab of the device.
 * Invariants: the view follows writes made by other tabs (the `storage` event); a write reads
 * the freshest stored value and changes only the keys it is given, so a tab with an old view
 * never undoes another tab's change; a stored value that cannot be read is kept aside
 * (UNREADABLE_KEY) and reported, never silently replaced; a failed write is reported.
 */
export function createDeviceSettings() {
  const [settings, setSettings] = createStore<DeviceSettings>(known(stored.read()));

  /** Re-reads the stored settings (another tab may have changed them) and shows them. */
  const reread = (): DeviceSettings => {
    const fresh = known(stored.read());
    setSettings(reconcile(fresh));
    return fresh;
  };

  const update = (patch: Partial<DeviceSettings>) => {
    // Applies in this tab even when it cannot be stored; the alert says it will not outlive the tab.
    const next = stored.update((fresh) => ({ ...fresh, ...patch }));
    setSettings(reconcile(known(next)));
  };

  onCleanup(stored.follow((next) => setSettings(reconcile(known(next)))));

  const problem = createMemo((): DeviceSettingsProblem | null => {
    const mine = deviceStorageProblems().filter((p) => p.key === KEY);
    const unwritable = mine.find((p) => p.kind === 'unwritable');
    if (unwritable?.kind === 'unwritable') return { kind: 'unwritable', detail: unwritable.failure.detail };
    return mine.length > 0 ? { kind: 'unreadable' } : null;
  });

  return {
    settings,
    update,
    reread,
    /** why the stored settings could not be read or written, until dismissed */
    problem,
    dismissProblem: () => dismissDeviceStorageProblems(KEY),
  };
}

/**
 * This device's workspace: the stored one, or one made by `create`, exactly once per device
 * even when several tabs start at the same moment. The settings are read again inside a lock
 * held by one tab at a time, so the second tab finds what the first one made. `create` must
 * have the document stored when it returns, so the other tab can open it.
 */
export async function findOrCreateWorkspace(device: DeviceSettingsStore, create: () => Promise<string>): Promise<string> {
  const run = async (): Promise<string> => {
    const found = device.reread().workspaceUrl;
    if (found) return found;
    const url = await create();
    device.update({ workspaceUrl: url });
    return url;
  };
  // Web Locks exist in every browser this app supports; without them (an old engine) one tab is still right.
  return navigator.locks ? navigator.locks.request('atelier.workspace', run) : run();
}
