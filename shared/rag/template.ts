/*
 * The retrieved passages go into the last user message through a template with
 * {{CONTEXT}} (numbered <source> entries) and {{QUERY}} (what the person asked).
 */

export const DEFAULT_RAG_TEMPLATE = `### Task:
Answer the user query using the provided context. Cite the sources you use with [n], where n is the id of the <source>.

### Guidelines:
- If the context does not contain the answer, say so and answer from what you know.
- Answer in the language of the user query.

<context>
{{CONTEXT}}
</context>

<user_query>
{{QUERY}}
</user_query>`;

export interface SourcePassage {
  /** 1-based number the model cites */
  n: number;
  name: string;
  text: string;
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function formatSources(sources: readonly SourcePassage[]): string {
  return sources.map((s) => `<source id="${s.n}" name="${escapeAttr(s.name)}">\n${s.text}\n</source>`).join('\n');
}

/**
 * Fill the template. A template without {{QUERY}} gets the query appended; one without
 * {{CONTEXT}} gets the context prepended, so nothing is silently lost. Replacement is done
 * in one pass, so a passage containing "{{QUERY}}" is not expanded.
 */
export function fillTemplate(template: string, sources: readonly SourcePassage[], query: string): string {
  let t = template.trim() === '' ? DEFAULT_RAG_TEMPLATE : template;
  if (!t.includes('{{CONTEXT}}')) t = `<context>\n{{CONTEXT}}\n</context>\n\n${t}`;
  if (!t.includes('{{QUERY}}')) t = `${t}\n\n{{QUERY}}`;
  const context = formatSources(sources);
  return t.replace(/\{\{(CONTEXT|QUERY)\}\}/g, (_, k: string) => (k === 'CONTEXT' ? context : query));
}
