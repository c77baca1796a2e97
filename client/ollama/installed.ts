/**
 * The installed models of an Ollama: /api/tags for the list, /api/show for capabilities and
 * context length (cached by name and digest: a digest's weights never change, but two names may
 * share a digest and still be shown differently), /api/ps for what is
 * loaded in memory. Responses are validated here, at the boundary: a malformed item is skipped.
 */
import type { KnownModel } from './known-models.ts';
import type { OllamaClient } from './client.ts';
import { sameModelName } from '../../shared/ollama/pull-name.ts';

export interface InstalledModel extends KnownModel {
  digest: string;
  /** RFC 3339, as Ollama sent it ('' when missing). */
  modifiedAt: string;
  /** Listed by /api/ps. */
  loaded: boolean;
  contextLength?: number;
}

/** What /api/show adds to the list. */
export interface ShowInfo {
  capabilities: string[];
  contextLength?: number;
}

function obj(v: unknown): Record<string, unknown> | null {
  if (v instanceof Map) return Object.fromEntries(v) as Record<string, unknown>;
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

/** `<architecture>.context_length` of /api/show's model_info. */
export function contextLengthOf(modelInfo: unknown): number | undefined {
  const info = obj(modelInfo);
  if (!info) return undefined;
  const arch = str(info['general.architecture']);
  const direct = arch ? info[`${arch}.context_length`] : undefined;
  if (typeof direct === 'number' && direct > 0) return direct;
  for (const [k, v] of Object.entries(info)) {
    if (k.endsWith('.context_length') && typeof v === 'number' && v > 0) return v;
  }
  return undefined;
}

export function showInfoFrom(show: unknown): ShowInfo | null {
  const s = obj(show);
  if (!s) return null;
  return { capabilities: strings(s.capabilities) ?? [], contextLength: contextLengthOf(s.model_info) };
}

/** One /api/tags item (with its /api/show info when known) → an installed model; null when malformed. */
export function toInstalled(item: unknown, info: ShowInfo | undefined, loaded: readonly string[]): InstalledModel | null {
  const m = obj(item);
  if (!m) return null;
  const name = str(m.name) || str(m.model);
  if (!name) return null;
  const details = obj(m.details) ?? {};
  const size = typeof m.size === 'number' && Number.isFinite(m.size) && m.size >= 0 ? m.size : 0;
  const model: InstalledModel = {
    name,
    size,
    family: str(details.family),
    parameterSize: str(details.parameter_size),
    quantization: str(details.quantization_level),
    capabilities: info?.capabilities ?? strings(m.capabilities) ?? [],
    digest: str(m.digest),
    modifiedAt: str(m.modified_at),
    loaded: loaded.some((l) => l === name || sameModelName(l, name)),
  };
  if (info?.contextLength) model.contextLength = info.contextLength;
  return model;
}

/** What is kept on the device for the editor and the selector. */
export function toKnownModel(m: InstalledModel): KnownModel {
  const k: KnownModel = {
    name: m.name,
    size: m.size,
    family: m.family,
    parameterSize: m.parameterSize,
    quantization: m.quantization,
    capabilities: [...m.capabilities],
  };
  if (m.digest) k.digest = m.digest;
  if (m.contextLength) k.contextLength = m.contextLength;
  return k;
}

function itemsOf(list: unknown): unknown[] {
  const models = obj(list)?.models;
  return Array.isArray(models) ? models : [];
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Loads the installed models, sorted by name. Throws the OllamaError of /api/tags; a failing
 * /api/show or /api/ps only loses that detail. `cache` maps `name@digest` to show info.
 */
export async function loadInstalledModels(client: Pick<OllamaClient, 'list' | 'show' | 'ps'>, cache: Map<string, ShowInfo>): Promise<InstalledModel[]> {
  const [list, running] = await Promise.all([client.list(), client.ps().catch(() => null)]);
  const loaded = itemsOf(running)
    .map((r) => str(obj(r)?.name) || str(obj(r)?.model))
    .filter(Boolean);
  const items = itemsOf(list);
  const models = await mapLimit(items, 4, async (item) => {
    const m = obj(item);
    const name = str(m?.name) || str(m?.model);
    const digest = str(m?.digest);
    const key = digest && name ? `${name}@${digest}` : '';
    let info = key ? cache.get(key) : undefined;
    if (!info && name) {
      info = (await client.show(name).then(showInfoFrom, () => null)) ?? undefined;
      if (info && key) cache.set(key, info);
    }
    return toInstalled(item, info, loaded);
  });
  return models.filter((m): m is InstalledModel => m !== null).sort((a, b) => a.name.localeCompare(b.name));
}
