/**
 * Conversation-sized Automerge documents for load tests and measurements: 20 messages, the
 * answers written in a few batches with updateText as the app streams them (~3.4 KB saved).
 */
import { next as A } from '@automerge/automerge';

export type ProbeMessage = {
  id: string;
  parentId: string | null;
  childrenIds: string[];
  role: 'user' | 'assistant';
  content: string;
  model: string | null;
  thinking: string;
  images: string[];
  timestamp: number;
  status: string;
  error: string | null;
  stats: Record<string, number>;
};

export type ProbeConversation = {
  schema: number;
  kind: string;
  id: string;
  title: string;
  createdAt: number;
  messages: Record<string, ProbeMessage>;
  currentId: string | null;
  models: string[];
};

export function conversationDoc(i: number, messages = 20): A.Doc<ProbeConversation> {
  let d = A.from<ProbeConversation>({
    schema: 1,
    kind: 'atelier/conversation',
    id: `c${i}`,
    title: `Conversation ${i}`,
    createdAt: 1_753_500_000_000 + i,
    messages: {},
    currentId: null,
    models: ['llama3.2'],
  });
  let parent: string | null = null;
  for (let m = 0; m < messages; m++) {
    const id = `m${m}`;
    const user = m % 2 === 0;
    const p = parent;
    d = A.change(d, (x) => {
      x.messages[id] = {
        id,
        parentId: p,
        childrenIds: [],
        role: user ? 'user' : 'assistant',
        content: '',
        model: user ? null : 'llama3.2',
        thinking: '',
        images: [],
        timestamp: 1_753_500_000_000 + m,
        status: user ? 'done' : 'streaming',
        error: null,
        stats: {},
      };
      if (p) x.messages[p]?.childrenIds.push(id);
      x.currentId = id;
    });
    const text = user
      ? `Question ${i}.${m}: how do joins and indexes interact in SQL? `.repeat(2)
      : `Answer ${i}.${m}: here is a detailed answer with code:\n\`\`\`sql\nSELECT * FROM t JOIN u ON t.id = u.tid;\n\`\`\`\nAnd more explanation. `.repeat(8);
    const batches = user ? 1 : 5;
    for (let b = 1; b <= batches; b++) {
      d = A.change(d, (x) => A.updateText(x, ['messages', id, 'content'], text.slice(0, Math.ceil((text.length * b) / batches))));
    }
    if (!user) {
      d = A.change(d, (x) => {
        const msg = x.messages[id];
        if (msg) {
          msg.status = 'done';
          msg.stats = { eval_count: 300, eval_duration: 1e9 };
        }
      });
    }
    parent = id;
  }
  return d;
}
