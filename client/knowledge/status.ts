import { createStore, produce } from 'solid-js/store';
import type { RagProgress } from './rag.ts';

/** What retrieval is doing for an answer being prepared in this tab (embedding n of m, searching). */
const [status, setStatus] = createStore<Record<string, RagProgress>>({});

export function setAnswerStatus(answerId: string, p: RagProgress | null): void {
  if (p) setStatus(answerId, { ...p });
  else setStatus(produce((s) => delete s[answerId]));
}

export function answerStatus(answerId: string): RagProgress | undefined {
  return status[answerId];
}
