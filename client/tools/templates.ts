import type { ToolType } from '../../shared/schema/tool.ts';

/** Starting code for a new tool, filter or action (the sandbox's module format). */
export const TEMPLATES: Record<ToolType, string> = {
  tool: `// A tool: functions the model may call. Each has a JSON schema for its arguments.
// Runs in a sandbox (no page, no documents, no tokens) and is stopped after 5 seconds.
const tools = [
  {
    name: 'reverse_text',
    description: 'Reverse a piece of text.',
    parameters: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
    run: ({ text }) => String(text).split('').reverse().join(''),
  },
];
`,
  filter: `// A filter: inlet changes the request sent to Ollama, outlet changes the answer.
function inlet(request) {
  // request = { model, messages: [{ role, content }], options, tools, ... }
  return request;
}

function outlet(message) {
  // message = { role: 'assistant', content }
  return message;
}
`,
  action: `// An action: a button under answers. Returns text shown under the answer.
function action(message) {
  return message.content.length + ' characters';
}
`,
};
