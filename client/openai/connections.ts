import * as v from 'valibot';
import { createPersisted, makePersisted, validItems } from '../device/persisted.ts';
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

/** An API key is the person's data: a list that does not validate is kept aside and reported. */
const Connection = v.object({
  id: v.string(),
  name: v.string(),
  baseUrl: v.string(),
  apiKey: v.fallback(v.string(), ''),
  vision: v.fallback(v.array(v.string()), []),
});

const storedConnections = makePersisted<OpenAIConnection[]>({
  key: KEY,
  what: 'connections',
  schema: v.array(Connection),
  fallback: () => [],
  salvage: validItems(Connection),
  keepInvalid: true,
});

const ModelMap = v.record(v.string(), v.array(v.string()));
const storedModels = makePersisted<Record<string, string[]>>({
  key: MODELS_KEY,
  what: 'connectionModels',
  schema: ModelMap,
  fallback: () => ({}),
  // a cache of each connection's /models: the lists that still read as lists
  salvage: (parsed) => {
    const out: Record<string, string[]> = {};
    if (typeof parsed === 'object' && parsed !== null)
      for (const [id, list] of Object.entries(parsed)) if (Array.isArray(list)) out[id] = list.filter((x): x is string => typeof x === 'string');
    return out;
  },
});

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
  // Both follow other tabs; every change is made on the freshest stored list, so a tab with an
  // old view never undoes another tab's connection.
  const [connections, saveConnections] = createPersisted(storedConnections);
  const [models, saveModelMap] = createPersisted(storedModels);

  return {
    connections,
    byId: (id: string) => connections().find((c) => c.id === id),
    /** last known model ids of a connection */
    modelsOf: (id: string) => models()[id] ?? [],
    add(input: OpenAIConnectionInput): OpenAIConnection {
      let c!: OpenAIConnection;
      saveConnections((fresh) => {
        c = { id: connectionIdFor(input.name, fresh.map((x) => x.id)), name: input.name.trim(), baseUrl: normalizeBaseUrl(input.baseUrl), apiKey: input.apiKey.trim(), vision: [] };
        return [...fresh, c];
      });
      return c;
    },
    update(id: string, patch: Partial<OpenAIConnectionInput>) {
      saveConnections((fresh) =>
        fresh.map((c) =>
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
      saveConnections((fresh) => fresh.filter((c) => c.id !== id));
      saveModelMap(({ [id]: _gone, ...rest }) => rest);
    },
    saveModels(id: string, list: string[]) {
      saveModelMap((fresh) => ({ ...fresh, [id]: [...list] }));
    },
    setVision(id: string, model: string, on: boolean) {
      saveConnections((fresh) =>
        fresh.map((c) => (c.id === id ? { ...c, vision: on ? [...new Set([...c.vision, model])] : c.vision.filter((m) => m !== model) } : c)),
      );
    },
    isVision: (id: string, model: string) => connections().find((c) => c.id === id)?.vision.includes(model) ?? false,
  };
}

export type OpenAIConnectionsStore = ReturnType<typeof createOpenAIConnections>;
