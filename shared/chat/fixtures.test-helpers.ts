import type { PlainMessage } from '../schema/conversation.ts';

let clock = 1000;
/** A message for tree tests; timestamps increase so roots sort in creation order. */
export function msg(id: string, parentId: string | null, role: PlainMessage['role'], extra: Partial<PlainMessage> = {}): PlainMessage {
  return {
    id,
    parentId,
    childrenIds: [],
    role,
    content: `${id} text`,
    model: role === 'assistant' ? 'm:a' : null,
    thinking: '',
    images: [],
    timestamp: ++clock,
    status: 'done',
    error: null,
    stats: {},
    ...extra,
  };
}
