import type { Repo } from '@automerge/automerge-repo';
import { openDoc } from '../repo/open-doc.ts';
import { knowledgeText, type KnowledgeDoc, type PresetDoc } from '../../shared/schema/index.ts';
import type { OwuiCarriedDocument } from '../../shared/openwebui/types.ts';

/*
 * A preset's documents (RAG) travel with it: an export or share link carries their text, so on
 * another account the preset answers with its knowledge. Only our own documents (a `url`, no
 * Open WebUI id) are carried; one that cannot be opened on this device is marked left out.
 */

export interface CarriedDocuments {
  /** by knowledge url, for presetToOpenWebUI */
  byUrl: Map<string, OwuiCarriedDocument>;
  /** documents whose text is carried */
  count: number;
  /** UTF-8 bytes of their text */
  bytes: number;
  /** names of the documents that could not be carried */
  unavailable: string[];
}

export async function carryDocuments(repo: Repo, presets: readonly PresetDoc[]): Promise<CarriedDocuments> {
  const out: CarriedDocuments = { byUrl: new Map(), count: 0, bytes: 0, unavailable: [] };
  for (const p of presets) {
    for (const ref of Object.values(p.knowledge)) {
      if (!ref.url || ref.externalId || out.byUrl.has(ref.url)) continue;
      const opened = await openDoc<KnowledgeDoc>(repo, ref.url, 'atelier/knowledge');
      if (opened.status !== 'ok' && opened.status !== 'newer') {
        out.byUrl.set(ref.url, { left_out: 'unavailable' });
        out.unavailable.push(String(ref.name));
        continue;
      }
      const d = opened.handle.doc();
      const text = knowledgeText(d);
      out.byUrl.set(ref.url, { text, mime: String(d.type), size: d.size, whole_document: d.wholeDocument });
      out.count++;
      out.bytes += new TextEncoder().encode(text).length;
    }
  }
  return out;
}

/** The same documents, every one marked left out (`reason`): for links they do not fit in. */
export function leaveOut(c: CarriedDocuments, reason: 'too-large' | 'not-shared'): Map<string, OwuiCarriedDocument> {
  const m = new Map<string, OwuiCarriedDocument>();
  for (const [url, d] of c.byUrl) m.set(url, 'left_out' in d ? d : { left_out: reason });
  return m;
}
