import { createStore, produce } from 'solid-js/store';
import type { RagProgress } from './rag.ts';

/** A tool the model called, running for the answer. */
export interface ToolProgress {
  phase: 'tool';
  name: string;
}

export type AnswerProgress = RagProgress | ToolProgress;

/** What is being done for an answer being prepared in this tab (embedding n of m, searching, calling a tool). */
const [status, setStatus] = createStore<Record<string, AnswerProgress>>({});

export function setAnswerStatus(answerId: string, p: AnswerProgress | null): void {
  if (p) setStatus(answerId, { ...p });
  else setStatus(produce((s) => delete s[answerId]));
}

export function answerStatus(answerId: string): AnswerProgress | undefined {
  return status[answerId];
}
