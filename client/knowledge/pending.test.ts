import { describe, expect, it } from 'vitest';
import { Repo, type AutomergeUrl } from '@automerge/automerge-repo';
import { checkDoc, knowledgeText, type KnowledgeDoc, type KnowledgeRef } from '../../shared/schema/index.ts';
import { createPendingKnowledge, isPendingUrl } from './pending.ts';

describe("a new preset's attached documents", () => {
  it('create nothing in the repo until the preset is saved; then exactly the attachments still listed', async () => {
    const repo = new Repo({ network: [] });
    const pending = createPendingKnowledge();
    const a = pending.add({ name: 'a.md', type: 'text/markdown', size: 5, text: '# A\nx' });
    const b = pending.add({ name: 'b.txt', type: 'text/plain', size: 3, text: 'bbb' });
    expect(isPendingUrl(a)).toBe(true);
    pending.setWhole(a, true);
    expect(Object.keys(repo.handles)).toHaveLength(0);

    // "b" was removed from the draft before saving
    const refs: Record<string, KnowledgeRef> = { r1: { name: 'a.md', type: 'text/markdown', url: a, externalId: null } };
    const ids = pending.commit(repo, refs);
    expect(ids).toHaveLength(1);
    expect(Object.keys(repo.handles)).toEqual(ids);
    const url = refs.r1!.url as AutomergeUrl;
    expect(isPendingUrl(url)).toBe(false);
    const doc = (await repo.find<KnowledgeDoc>(url)).doc();
    expect(doc).toMatchObject({ kind: 'atelier/knowledge', name: 'a.md', size: 5, wholeDocument: true });
    // stored as one immutable value, and valid for every reader
    expect(typeof doc.text).toBe('object');
    expect(knowledgeText(doc)).toBe('# A\nx');
    expect(checkDoc('atelier/knowledge', doc).status).toBe('ok');
    expect(pending.get(b)).toBeUndefined();
    await repo.shutdown();
  });

  it('a cancelled draft (never committed) leaves the repo empty', async () => {
    const repo = new Repo({ network: [] });
    const pending = createPendingKnowledge();
    pending.add({ name: 'c.md', type: 'text/markdown', size: 1, text: 'c' });
    expect(Object.keys(repo.handles)).toHaveLength(0);
    await repo.shutdown();
  });
});
