import { createSignal, onCleanup } from 'solid-js';
import { newId } from '../../shared/schema/ids.ts';

/**
 * This device's OpenAI-compatible connections {id, name, baseUrl, apiKey} and, per connection,
 * the last known list of its models and which of them read images. Device-local (localStorage),
 * never synced, never in a backup: an API key is a secret of the device and only ever goes to
 * its own endpoint (client.ts sends it as `Authorization: Bearer` to `baseUrl` and nowhere else).
 * One store for the whole app; other tabs follow through the `storage` event.
 */
export interface OpenAIConnection {
  id: string;
  name: string;
  /** e.g. https://api.openai.com/v1 (no trailing slash) */
  baseUrl: string;
  /** '' for a server without a key */
  apiKey: string;
  /** models the person marked as reading images */
  vision: string[];
}

export interface OpenAIConnectionInput {
  name: string;
  baseUrl: string;
  apiKey: string;
}

const KEY = 'atelier.openai.connections';
const MODELS_KEY = 'atelier.openai.models';

const str = (v: unknown): v is string => typeof v === 'string';

function readConnections(): OpenAIConnection[] {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    if (!Array.isArray(raw)) return [];
    return raw
      .filter((c): c is Record<string, unknown> => typeof c === 'object' && c !== null)
      .filter((c) => str(c.id) && str(c.name) && str(c.baseUrl))
      .map((c) => ({
        id: c.id as string,
        name: c.name as string,
        baseUrl: c.baseUrl as string,
        apiKey: str(c.apiKey) ? c.apiKey : '',
        vision: Array.isArray(c.vision) ? c.vision.filter(str) : [],
      }));
  } catch {
    return [];
  }
}

function readModels(): Record<string, string[]> {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(MODELS_KEY) ?? '{}');
    if (typeof raw !== 'object' || raw === null) return {};
    const out: Record<string, string[]> = {};
    for (const [id, list] of Object.entries(raw as Record<string, unknown>)) if (Array.isArray(list)) out[id] = list.filter(str);
    return out;
  } catch {
    return {};
  }
}

/** The base URL as typed, trimmed, without trailing slashes. */
export function normalizeBaseUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

/**
 * A connection's id, derived from its name when added ("LM Studio" → `lm-studio`) and kept when
 * renamed: model refs are `openai:<id>:<model>`, so a preset's base model can be typed
 * (`openai:openai:gpt-4o`) and a synced conversation works on another device whose connection
 * has the same name. Never contains ':'.
 */
export function connectionIdFor(name: string, taken: readonly string[]): string {
  const base =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || `c-${newId().slice(0, 6)}`;
  if (!taken.includes(base)) return base;
  for (let i = 2; ; i++) if (!taken.includes(`${base}-${i}`)) return `${base}-${i}`;
}

/** A key shown masked: the first 3 and last 4 characters of a long key, dots otherwise. */
export function maskKey(key: string): string {
  if (key === '') return '';
  if (key.length <= 10) return '•'.repeat(8);
  return `${key.slice(0, 3)}…${key.slice(-4)}`;
}

/** This device's OpenAI-compatible connections; created once by the WorkspaceProvider. */
export function createOpenAIConnections() {
  const [connections, setConnections] = createSignal<OpenAIConnection[]>(typeof localStorage === 'undefined' ? [] : readConnections());
  const [models, setModels] = createSignal<Record<string, string[]>>(typeof localStorage === 'undefined' ? {} : readModels());

  const saveConnections = (list: OpenAIConnection[]) => {
    localStorage.setItem(KEY, JSON.stringify(list));
    setConnections(list);
  };
  const saveModelMap = (map: Record<string, string[]>) => {
    localStorage.setItem(MODELS_KEY, JSON.stringify(map));
    setModels(map);
  };

  // Other tabs of this browser edit the same localStorage.
  const onStorage = (e: StorageEvent) => {
    if (e.key === KEY) setConnections(readConnections());
    if (e.key === MODELS_KEY) setModels(readModels());
  };
  if (typeof window !== 'undefined') {
    window.addEventListener('storage', onStorage);
    onCleanup(() => window.removeEventListener('storage', onStorage));
  }

  return {
    connections,
    byId: (id: string) => connections().find((c) => c.id === id),
    /** last known model ids of a connection */
    modelsOf: (id: string) => models()[id] ?? [],
    add(input: OpenAIConnectionInput): OpenAIConnection {
      const c: OpenAIConnection = { id: connectionIdFor(input.name, connections().map((x) => x.id)), name: input.name.trim(), baseUrl: normalizeBaseUrl(input.baseUrl), apiKey: input.apiKey.trim(), vision: [] };
      saveConnections([...connections(), c]);
      return c;
    },
    update(id: string, patch: Partial<OpenAIConnectionInput>) {
      saveConnections(
        connections().map((c) =>
          c.id === id
            ? {
                ...c,
                ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
                ...(patch.baseUrl !== undefined ? { baseUrl: normalizeBaseUrl(patch.baseUrl) } : {}),
                ...(patch.apiKey !== undefined ? { apiKey: patch.apiKey.trim() } : {}),
              }
            : c,
        ),
      );
    },
    remove(id: string) {
      saveConnections(connections().filter((c) => c.id !== id));
      const { [id]: _gone, ...rest } = models();
      saveModelMap(rest);
    },
    saveModels(id: string, list: string[]) {
      saveModelMap({ ...models(), [id]: [...list] });
    },
    setVision(id: string, model: string, on: boolean) {
      saveConnections(
        connections().map((c) => (c.id === id ? { ...c, vision: on ? [...new Set([...c.vision, model])] : c.vision.filter((m) => m !== model) } : c)),
      );
    },
    isVision: (id: string, model: string) => connections().find((c) => c.id === id)?.vision.includes(model) ?? false,
  };
}

export type OpenAIConnectionsStore = ReturnType<typeof createOpenAIConnections>;
