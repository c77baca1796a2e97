/**
 * The workspace the issue describes (200 presets, 5,000 conversations of 20 messages, plus one
 * conversation of 1,000 messages with a code block in one message in ten), built once per
 * bench run and shared by every figure. Quick mode uses a smaller one and says so.
 */
import { tempDir, type BenchContext } from './common.ts';
import { buildTemplate, type Template, type TemplateSpec } from './seed.ts';

export function datasetSpec(quick: boolean): TemplateSpec {
  return quick
    ? { presets: 20, conversations: 200, messagesPerConversation: 20, longMessages: 1000 }
    : { presets: 200, conversations: 5000, messagesPerConversation: 20, longMessages: 1000 };
}

let template: Promise<Template> | null = null;

export function getTemplate(ctx: BenchContext): Promise<Template> {
  template ??= buildTemplate(tempDir('template'), datasetSpec(ctx.quick), ctx.log);
  return template;
}
