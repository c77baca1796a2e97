import { describe, expect, it } from 'vitest';
import { fillPromptVariables, usedPromptVariables } from './prompt-variables.ts';
import { buildChatRequest } from './request.ts';

// Saturday 2026-03-07 09:05:03, local time
const now = new Date(2026, 2, 7, 9, 5, 3);
const ctx = { now, userName: 'Camille', language: 'fr' };

describe('system prompt variables', () => {
  it('every variable is filled as Open WebUI fills it', () => {
    expect(fillPromptVariables('{{CURRENT_DATE}} {{CURRENT_TIME}} {{CURRENT_WEEKDAY}} {{USER_NAME}} {{USER_LANGUAGE}}', ctx)).toBe(
      '2026-03-07 09:05:03 Saturday Camille fr',
    );
  });

  it('an unknown {{…}} is left for the model, and a filled value is never filled again', () => {
    expect(fillPromptVariables('{{CONTEXT}} {{ USER_NAME }}', { ...ctx, userName: '{{CURRENT_DATE}}' })).toBe('{{CONTEXT}} {{CURRENT_DATE}}');
  });

  it('lists the variables a prompt uses', () => {
    expect(usedPromptVariables('Hi {{USER_NAME}}, today is {{CURRENT_DATE}}; {{USER_NAME}}')).toEqual(['CURRENT_DATE', 'USER_NAME']);
  });

  it('the request carries the filled prompt and the custom parameters under options', () => {
    const req = buildChatRequest(
      { kind: 'preset', preset: { baseModel: 'llama3.2', system: 'Date: {{CURRENT_DATE}}', params: { temperature: 0.5 }, customParams: { num_gqa: '8' } } },
      [{ role: 'user', content: 'hi' }],
      { variables: ctx },
    );
    expect(req.messages[0]).toEqual({ role: 'system', content: 'Date: 2026-03-07' });
    expect(req.options).toEqual({ temperature: 0.5, num_gqa: 8 });
  });
});
