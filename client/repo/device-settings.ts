import { createSignal, onCleanup } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import * as v from 'valibot';

/**
 * Settings that belong to this device and are never synced: a phone reaches Ollama
 * at another address than the desktop, and the relay token is a secret of the device.
 */
export interface RelayLink {
  /** ws(s)://host:port/sync */
  url: string;
  token: string;
}

export interface DeviceSettings {
  workspaceUrl: string | null;
  relay: RelayLink | null;
  ollamaEndpoint: string;
  lastSyncAt: number | null;
  /** the workspace's end-to-end key, base64url (shared/sync/chunk-crypto.ts); never sent to the relay */
  workspaceKey: string | null;
}

const KEY = 'atelier.device';
/** Where an unreadable stored value is kept, so nothing the person set is thrown away. */
export const UNREADABLE_KEY = 'atelier.device.unreadable';
export const DEFAULT_OLLAMA_ENDPOINT = 'http://localhost:11434';

const DEFAULTS: DeviceSettings = { workspaceUrl: null, relay: null, ollamaEndpoint: DEFAULT_OLLAMA_ENDPOINT, lastSyncAt: null, workspaceKey: null };

const Stored = v.object({
  workspaceUrl: v.optional(v.nullable(v.string()), null),
  relay: v.optional(v.nullable(v.object({ url: v.string(), token: v.string() })), null),
  ollamaEndpoint: v.optional(v.string(), DEFAULT_OLLAMA_ENDPOINT),
  lastSyncAt: v.optional(v.nullable(v.number()), null),
  workspaceKey: v.optional(v.nullable(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/))), null),
});
/** The same, field by field: a bad field falls back to its default and the others are kept. */
const Salvaged = v.object({
  workspaceUrl: v.fallback(Stored.entries.workspaceUrl, null),
  relay: v.fallback(Stored.entries.relay, null),
  ollamaEndpoint: v.fallback(Stored.entries.ollamaEndpoint, DEFAULT_OLLAMA_ENDPOINT),
  lastSyncAt: v.fallback(Stored.entries.lastSyncAt, null),
  workspaceKey: v.fallback(Stored.entries.workspaceKey, null),
});

/** What a device-settings problem is, for the alert that tells the person. */
export type DeviceSettingsProblem = { kind: 'unreadable' } | { kind: 'unwritable'; detail: string };

interface Read {
  settings: DeviceSettings;
  /** the stored object as it is, keys this version does not know included (kept on write) */
  object: Record<string, unknown>;
  /** the stored text when it is not valid settings */
  unreadable: string | null;
}

/** An Automerge URL in damaged settings text: the workspace is what the person would miss most. */
const WORKSPACE_IN_TEXT = /"workspaceUrl"\s*:\s*"(automerge:[1-9A-HJ-NP-Za-km-z]+)"/;
/** …and the key that reads it once synced */
const KEY_IN_TEXT = /"workspaceKey"\s*:\s*"([A-Za-z0-9_-]{43})"/;

/** Defaults, but the workspace the damaged text still names (opening another one would hide the person's data). */
function salvageText(raw: string): DeviceSettings {
  return { ...DEFAULTS, workspaceUrl: WORKSPACE_IN_TEXT.exec(raw)?.[1] ?? null, workspaceKey: KEY_IN_TEXT.exec(raw)?.[1] ?? null };
}

function readStored(): Read {
  const raw = localStorage.getItem(KEY);
  if (raw === null) return { settings: { ...DEFAULTS }, object: {}, unreadable: null };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { settings: salvageText(raw), object: {}, unreadable: raw };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { settings: salvageText(raw), object: {}, unreadable: raw };
  const object = parsed as Record<string, unknown>;
  const strict = v.safeParse(Stored, object);
  if (strict.success) return { settings: strict.output, object, unreadable: null };
  return { settings: v.parse(Salvaged, object), object, unreadable: raw };
}

export type DeviceSettingsStore = ReturnType<typeof createDeviceSettings>;

/**
 * A reactive view of the device settings in localStorage, shared by every tab of the device.
 * Invariants: the view follows writes made by other tabs (the `storage` event); a write reads
 * the freshest stored value and changes only the keys it is given, so a tab with an old view
 * never undoes another tab's change; a stored value that cannot be read is kept aside
 * (UNREADABLE_KEY) and reported, never silently replaced.
 */
export function createDeviceSettings() {
  const first = readStored();
  const [settings, setSettings] = createStore<DeviceSettings>(first.settings);
  const [problem, setProblem] = createSignal<DeviceSettingsProblem | null>(first.unreadable === null ? null : { kind: 'unreadable' });

  const keepUnreadable = (raw: string) => {
    try {
      if (localStorage.getItem(UNREADABLE_KEY) === null) localStorage.setItem(UNREADABLE_KEY, raw);
    } catch {
      // no room for the copy: the value itself is still kept until a write replaces it
    }
  };
  if (first.unreadable !== null) keepUnreadable(first.unreadable);

  /** Re-reads the stored settings (another tab may have changed them) and shows them. */
  const reread = (): DeviceSettings => {
    const fresh = readStored();
    if (fresh.unreadable !== null) {
      keepUnreadable(fresh.unreadable);
      setProblem({ kind: 'unreadable' });
    }
    setSettings(reconcile(fresh.settings));
    return fresh.settings;
  };

  const update = (patch: Partial<DeviceSettings>) => {
    const fresh = readStored();
    if (fresh.unreadable !== null) {
      keepUnreadable(fresh.unreadable);
      setProblem({ kind: 'unreadable' });
    }
    const next: DeviceSettings = { ...fresh.settings, ...patch };
    setSettings(reconcile(next));
    try {
      localStorage.setItem(KEY, JSON.stringify({ ...fresh.object, ...next }));
    } catch (err) {
      // Still applies in this tab; the person is told it will not outlive it.
      setProblem({ kind: 'unwritable', detail: err instanceof Error ? err.message : String(err) });
    }
  };

  const onStorage = (e: StorageEvent) => {
    if (e.storageArea === localStorage && (e.key === KEY || e.key === null)) reread();
  };
  window.addEventListener('storage', onStorage);
  onCleanup(() => window.removeEventListener('storage', onStorage));

  return {
    settings,
    update,
    reread,
    /** why the stored settings could not be read or written, until dismissed */
    problem,
    dismissProblem: () => setProblem(null),
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
