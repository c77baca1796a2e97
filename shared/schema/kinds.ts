/** Every synced document names its kind and carries the schema version it was written with. */
export const KIND = {
  workspace: 'atelier/workspace',
  preset: 'atelier/preset',
  conversation: 'atelier/conversation',
  blob: 'atelier/blob',
  knowledge: 'atelier/knowledge',
  tool: 'atelier/tool',
} as const;

export type DocKind = (typeof KIND)[keyof typeof KIND];

/** The schema version this build writes. Older documents are migrated on load; newer ones are read-only. */
export const SCHEMA = {
  // 2: index strings (entry url, title, model) may be ImmutableStrings; older builds see the workspace as newer (read-only)
  workspace: 2,
  // 2: name and suggestion titles may be ImmutableStrings (one value, last writer wins)
  preset: 2,
  // 2: an answer's content and thinking may be ImmutableStrings (written whole at checkpoints while
  // streaming); builds that read only plain strings cannot open these
  // 3: short message fields (id, parentId, childrenIds and models entries, role, status, model,
  // writer) and the top-level currentId and models entries may be ImmutableStrings; schema-2
  // builds see these as newer: read-only, or "update Atelier to open it" once such a value is there
  conversation: 3,
  blob: 1,
  // 2: the text may be an ImmutableString; builds that read only plain strings see these as newer (read-only)
  knowledge: 2,
  tool: 1,
} as const;
