import { createStore } from 'solid-js/store';

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
}

const KEY = 'atelier.device';
export const DEFAULT_OLLAMA_ENDPOINT = 'http://localhost:11434';

function load(): DeviceSettings {
  const base: DeviceSettings = { workspaceUrl: null, relay: null, ollamaEndpoint: DEFAULT_OLLAMA_ENDPOINT, lastSyncAt: null };
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(KEY) ?? 'null');
    if (typeof raw !== 'object' || raw === null) return base;
    const r = raw as Partial<Record<keyof DeviceSettings, unknown>>;
    const relay = r.relay as Partial<RelayLink> | null | undefined;
    return {
      workspaceUrl: typeof r.workspaceUrl === 'string' ? r.workspaceUrl : null,
      relay: relay && typeof relay.url === 'string' && typeof relay.token === 'string' ? { url: relay.url, token: relay.token } : null,
      ollamaEndpoint: typeof r.ollamaEndpoint === 'string' ? r.ollamaEndpoint : DEFAULT_OLLAMA_ENDPOINT,
      lastSyncAt: typeof r.lastSyncAt === 'number' ? r.lastSyncAt : null,
    };
  } catch {
    return base;
  }
}

export type DeviceSettingsStore = ReturnType<typeof createDeviceSettings>;

/** A reactive view of the device settings, persisted to localStorage on every update. */
export function createDeviceSettings() {
  const [settings, setSettings] = createStore<DeviceSettings>(load());
  const update = (patch: Partial<DeviceSettings>) => {
    setSettings(patch);
    localStorage.setItem(KEY, JSON.stringify(settings));
  };
  return { settings, update };
}
