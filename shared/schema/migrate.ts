import { KIND, SCHEMA, type DocKind } from './kinds.ts';
import { DEFAULT_WORKSPACE_SETTINGS } from './workspace.ts';

/*
 * Migrations run inside an Automerge change on a document whose `schema` is older
 * than this build's. Each step takes the document from version n to n + 1 and only
 * adds or converts fields, so two devices migrating concurrently converge.
 *
 * Version 0 is the pre-release shape (no `schema` field): tags as a string list,
 * no settings/capabilities maps. It still exists in early testers' data.
 */

type Mutable = Record<string, unknown>;
type Step = (d: Mutable) => void;

function ensure(d: Mutable, key: string, value: unknown): void {
  if (d[key] === undefined) d[key] = value;
}

function listToTrueMap(d: Mutable, key: string): void {
  const old = d[key];
  if (Array.isArray(old)) {
    const map: Record<string, true> = {};
    for (const t of old) if (typeof t === 'string' && t) map[t] = true;
    d[key] = map;
  } else ensure(d, key, {});
}

const steps: Record<DocKind, Step[]> = {
  [KIND.workspace]: [
    (d) => {
      ensure(d, 'kind', KIND.workspace);
      ensure(d, 'name', 'Workspace');
      ensure(d, 'createdAt', 0);
      ensure(d, 'presets', {});
      ensure(d, 'conversations', {});
      ensure(d, 'settings', { ...DEFAULT_WORKSPACE_SETTINGS });
    },
    // 1 → 2: nothing to convert (plain-string entries stay valid, and rewriting them would add
    // operations, not remove any); the version tells older builds that entries may hold
    // ImmutableStrings they cannot read.
    () => undefined,
  ],
  // Preset order and pins (entry `order`, `pinned`) and `settings.groupByTag` need no step: they
  // are optional fields that read as "by date added, not pinned, not grouped" when absent, so
  // old workspaces stay readable as they are, and older builds (which ignore unknown fields) keep
  // editing this one. A step creating a map for them would be unsafe besides: two devices
  // migrating at once would each create one, and Automerge keeps only one of the two maps.

  [KIND.preset]: [
    (d) => {
      ensure(d, 'kind', KIND.preset);
      listToTrueMap(d, 'tags');
      for (const k of ['toolIds', 'filterIds', 'actionIds']) listToTrueMap(d, k);
      for (const k of ['params', 'suggestions', 'capabilities', 'knowledge']) ensure(d, k, {});
      for (const k of ['description', 'system', 'baseModel']) ensure(d, k, '');
      ensure(d, 'hidden', false);
      ensure(d, 'vision', false);
      ensure(d, 'avatar', null);
      ensure(d, 'createdAt', 0);
      ensure(d, 'updatedAt', 0);
    },
    // 1 → 2: nothing to convert (a text name stays valid, and the next rename writes one value);
    // the version tells older builds that the name may be an ImmutableString they cannot read.
    () => undefined,
  ],
  [KIND.conversation]: [
    (d) => {
      ensure(d, 'kind', KIND.conversation);
      ensure(d, 'messages', {});
      ensure(d, 'currentId', null);
      ensure(d, 'models', []);
      ensure(d, 'createdAt', 0);
    },
    // 1 → 2: nothing to convert (answers written as text stay valid, and rewriting them would add
    // operations, not remove any); the version tells older builds that answers may hold
    // ImmutableStrings they cannot read.
    () => undefined,
    // 2 → 3: nothing to convert either (plain-string ids, roles, statuses stay valid and history
    // keeps them anyway; readers accept both forms forever); the version tells schema-2 builds
    // that these short fields may be ImmutableStrings they cannot read.
    () => undefined,
  ],
  [KIND.blob]: [(d) => ensure(d, 'kind', KIND.blob)],
  [KIND.knowledge]: [
    (d) => {
      ensure(d, 'kind', KIND.knowledge);
      ensure(d, 'name', 'document');
      ensure(d, 'type', 'text/plain');
      ensure(d, 'size', typeof d.text === 'string' ? d.text.length : 0);
      ensure(d, 'text', '');
      ensure(d, 'wholeDocument', false);
      ensure(d, 'createdAt', 0);
    },
    // 1 → 2: nothing to convert (a plain-string text stays valid); the version only tells older
    // builds that this text may be an ImmutableString they cannot read.
    () => undefined,
  ],
  [KIND.tool]: [
    (d) => {
      ensure(d, 'kind', KIND.tool);
      ensure(d, 'toolType', 'tool');
      ensure(d, 'name', 'Tool');
      ensure(d, 'description', '');
      ensure(d, 'code', '');
      ensure(d, 'createdAt', 0);
      ensure(d, 'updatedAt', 0);
    },
  ],
};

const targets: Record<DocKind, number> = {
  [KIND.workspace]: SCHEMA.workspace,
  [KIND.preset]: SCHEMA.preset,
  [KIND.conversation]: SCHEMA.conversation,
  [KIND.blob]: SCHEMA.blob,
  [KIND.knowledge]: SCHEMA.knowledge,
  [KIND.tool]: SCHEMA.tool,
};

/** Bring `d` (inside a change callback) up to this build's schema. Returns the version it started from. */
export function migrate(kind: DocKind, d: Mutable): number {
  const from = typeof d.schema === 'number' ? d.schema : 0;
  for (let n = from; n < targets[kind]; n++) {
    steps[kind][n]?.(d);
    d.schema = n + 1;
  }
  return from;
}
