import type { DocHandle } from '@automerge/automerge-repo';
import type { ConversationDoc } from '../../../shared/schema/index.ts';
import { storedOrNull, storedString } from '../../../shared/schema/stored-string.ts';
import { parentOf } from '../../../shared/chat/tree.ts';
import { cleanProposedTitle, titleRequestMessages } from '../../../shared/chat/title.ts';

export type TitleMessages = ReturnType<typeof titleRequestMessages>;

export interface TitleDeps {
  /** the workspace wants model titles (its `autoTitle` setting), read at each answer */
  enabled(): boolean;
  /**
   * Asks the model `ref` (the answer's model) for a reply to `messages`; null when it cannot be
   * asked (unknown model). May throw: a failed request leaves the derived title.
   */
  ask(ref: string | null, messages: TitleMessages): Promise<string | null>;
  /** the title was written to the conversation: the workspace index follows */
  onTitle(title: string): void;
}

/**
 * After the first answer of a conversation, the model proposes its title. Invariants: only the
 * first exchange (the answer's user message is the root) is asked, once per conversation
 * (`titleSource` 'model' afterwards); a title the person typed (`titleSource` 'user'), even while
 * the request was on its way, is never replaced; any failure keeps the derived title.
 * Resolves with the title written, or null.
 */
export async function proposeTitle(deps: TitleDeps, handle: DocHandle<ConversationDoc>, answerId: string): Promise<string | null> {
  if (!deps.enabled()) return null;
  const d = handle.doc();
  const answer = d.messages[answerId];
  const parentId = answer ? parentOf(answer) : null;
  const user = parentId ? d.messages[parentId] : undefined;
  if (!answer || !user || parentOf(user) !== null || d.titleSource === 'user' || d.titleSource === 'model') return null;
  try {
    const reply = await deps.ask(storedOrNull(answer.model), titleRequestMessages(storedString(user.content), storedString(answer.content)));
    const title = cleanProposedTitle(reply ?? '');
    if (!title) return null;
    let applied = false;
    handle.change((x) => {
      if (x.titleSource === 'user') return;
      x.title = title;
      x.titleSource = 'model';
      applied = true;
    });
    if (!applied) return null;
    deps.onTitle(title);
    return title;
  } catch {
    // a proposed title is a nicety: the derived one stays
    return null;
  }
}
