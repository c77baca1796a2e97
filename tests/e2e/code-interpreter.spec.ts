import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { answers, createPreset, goToChat, openChat, selectModel, send } from './chat-helpers.ts';
import type { FakeOllama } from '../fake-ollama/index.ts';

/*
 * Issue 19, the code interpreter: with the preset's switch on, each Python block of an answer
 * runs in the browser (Pyodide in a worker, loaded on the first Run, served by the app itself),
 * with no network from the sandbox; with it off, nothing to run.
 */

const fence = (code: string) => `Here you go:\n\n\`\`\`python\n${code}\n\`\`\`\n`;

async function coderAnswering(page: Page, fake: FakeOllama, code: string, interpreter = true): Promise<Locator> {
  await createPreset(page, 'Coder', 'llama3.2', async () => {
    if (interpreter) await page.getByRole('switch', { name: 'Code interpreter' }).check();
  });
  await goToChat(page);
  await selectModel(page, 'Coder');
  fake.scriptChat({ content: fence(code) });
  await send(page, 'Write some Python');
  const answer = answers(page, 'Coder');
  await expect(answer.getByRole('button', { name: 'Copy code' })).toBeVisible();
  await expect(answer).toHaveAttribute('aria-busy', 'false');
  return answer;
}

test('Run shows what the Python block printed and the value of its last expression', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  const answer = await coderAnswering(page, fake, 'for i in range(3):\n    print("line", i)\nsum(range(10)) * 2');
  await answer.getByRole('button', { name: 'Run this Python code' }).click();
  const output = answer.getByRole('region', { name: 'Output of the Python code' });
  await expect(output.getByRole('status')).toHaveText('Finished.');
  await expect(output).toContainText('line 0\nline 1\nline 2');
  await expect(output.getByLabel('Result')).toHaveText('90');
  // it runs again, with fresh globals each time
  await answer.getByRole('button', { name: 'Run this Python code' }).click();
  await expect(output.getByRole('status')).toHaveText('Finished.');
  await expect(output).toContainText('line 2');
});

test('an exception shows the Python traceback, with what was printed before it', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  const answer = await coderAnswering(page, fake, 'print("before")\ndef f():\n    return 1 / 0\nf()');
  await answer.getByRole('button', { name: 'Run this Python code' }).click();
  const output = answer.getByRole('region', { name: 'Output of the Python code' });
  await expect(output.getByRole('status')).toHaveText('The code raised an error:');
  await expect(output).toContainText('before');
  await expect(output).toContainText('Traceback (most recent call last)');
  await expect(output).toContainText('File "<answer>", line 3, in f');
  await expect(output).toContainText('ZeroDivisionError: division by zero');
  // the answer's own frames only, not the interpreter's machinery
  await expect(output).not.toContainText('_pyodide');
});

test('Python cannot reach the network: js.fetch, pyodide.http.pyfetch and micropip are refused with a clear error', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  const target = `${fake.url}/leak?secret=1`;
  const code = [
    'import js',
    'for attempt in ("fetch", "pyfetch", "micropip", "xhr"):',
    '    try:',
    '        if attempt == "fetch":',
    `            await js.fetch("${target}")`,
    '        elif attempt == "pyfetch":',
    '            from pyodide.http import pyfetch',
    `            await pyfetch("${target}")`,
    '        elif attempt == "micropip":',
    '            import micropip',
    '        else:',
    '            js.XMLHttpRequest.new()',
    '        print(attempt, "REACHED")',
    '    except Exception as e:',
    '        print(attempt, "refused:", type(e).__name__, e)',
  ].join('\n');
  const answer = await coderAnswering(page, fake, code);
  await answer.getByRole('button', { name: 'Run this Python code' }).click();
  const output = answer.getByRole('region', { name: 'Output of the Python code' });
  await expect(output.getByRole('status')).toHaveText('Finished.');
  await expect(output).toContainText('fetch refused: JsException Error: Network and storage access is off in the code interpreter: fetch is not available.');
  await expect(output).toContainText('pyfetch refused:');
  await expect(output).toContainText('micropip refused: ModuleNotFoundError');
  await expect(output).toContainText('xhr refused: JsException Error: Network and storage access is off in the code interpreter: XMLHttpRequest is not available.');
  await expect(output).not.toContainText('REACHED');
  expect(fake.requests.filter((r) => r.path.startsWith('/leak'))).toEqual([]);
});

test('Stop ends a run that never finishes, and the next Run works', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  const answer = await coderAnswering(page, fake, 'print("started", flush=True)\nwhile True:\n    pass');
  await answer.getByRole('button', { name: 'Run this Python code' }).click();
  const output = answer.getByRole('region', { name: 'Output of the Python code' });
  await expect(output).toContainText('started');
  await expect(output.getByRole('status')).toHaveText('Running…');
  await answer.getByRole('button', { name: 'Stop the Python code' }).click();
  await expect(output.getByRole('status')).toHaveText('Stopped.');
  // a fresh interpreter takes the next run
  await answer.getByRole('button', { name: 'Run this Python code' }).click();
  await expect(output.getByRole('status')).toHaveText('Running…');
  await expect(output).toContainText('started');
  await answer.getByRole('button', { name: 'Stop the Python code' }).click();
  await expect(output.getByRole('status')).toHaveText('Stopped.');
});

test('with the code interpreter off, a Python block has no Run button', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  const answer = await coderAnswering(page, fake, 'print("hi")', false);
  await expect(answer.getByRole('code')).toContainText('print("hi")');
  await expect(answer.getByRole('button', { name: 'Run this Python code' })).toHaveCount(0);
  // switched on later, the same answer offers it
  const conversation = page.url();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await page.getByRole('listitem', { name: 'Coder', exact: true }).getByRole('link', { name: 'Edit' }).click();
  await page.getByRole('switch', { name: 'Code interpreter' }).check();
  await page.goto(conversation);
  await expect(answers(page, 'Coder').getByRole('button', { name: 'Run this Python code' })).toBeVisible();
});

test('in French, the switch, Run, Stop and the output have French names', async ({ page, fake, relayFx }) => {
  await page.addInitScript(() => localStorage.setItem('atelier.locale', 'fr'));
  await openChatFr(page, relayFx.origin, fake);
  await page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Modèles' }).click();
  await page.getByRole('link', { name: 'Nouveau modèle' }).click();
  await page.getByLabel('Nom', { exact: true }).fill('Codeur');
  await page.getByLabel('Modèle de base').fill('llama3.2');
  await page.getByRole('switch', { name: 'Interpréteur de code' }).check();
  await page.getByRole('button', { name: 'Enregistrer et créer' }).click();
  await expect(page.getByRole('heading', { name: 'Modifier Codeur' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Discussion' }).click();
  await selectModelFr(page, 'Codeur');
  fake.scriptChat({ content: fence('print("bonjour")\nwhile True:\n    pass') });
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill('Du Python');
  await box.press('Enter');
  const answer = page.getByRole('article', { name: 'Réponse de Codeur' });
  await answer.getByRole('button', { name: 'Exécuter ce code Python' }).click();
  const output = answer.getByRole('region', { name: 'Sortie du code Python' });
  await expect(output).toContainText('bonjour');
  await answer.getByRole('button', { name: 'Arrêter le code Python' }).click();
  await expect(output.getByRole('status')).toHaveText('Arrêté.');
});

async function openChatFr(page: Page, origin: string, fake: FakeOllama): Promise<void> {
  await page.addInitScript((endpoint: string) => {
    const key = 'atelier.device';
    const s = JSON.parse(localStorage.getItem(key) ?? '{}') as { ollamaEndpoint?: string };
    s.ollamaEndpoint = endpoint;
    localStorage.setItem(key, JSON.stringify(s));
  }, fake.url);
  await page.goto(`${origin}/chat`);
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
}

async function selectModelFr(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: /^Modèle( \d)? ?: / }).first().click();
  await page.getByRole('option', { name: new RegExp(`^${name}`) }).first().click();
}

test('when Python cannot be loaded (its files unreachable), Run says so instead of waiting forever', async ({ page, fake, relayFx }) => {
  await page.context().route('**/pyodide/**', (route) => route.abort('internetdisconnected'));
  await openChat(page, relayFx, fake);
  const answer = await coderAnswering(page, fake, 'print("hi")');
  await answer.getByRole('button', { name: 'Run this Python code' }).click();
  const output = answer.getByRole('region', { name: 'Output of the Python code' });
  await expect(output.getByRole('status')).toContainText('Python could not be loaded');
  await expect(output.getByRole('status')).toContainText('connect to the network once and run again');
  // nothing is stuck: Run is offered again
  await expect(answer.getByRole('button', { name: 'Run this Python code' })).toBeVisible();
});

test('after its first run, Python runs offline: the service worker kept its files', async ({ page, fake, relayFx, context }) => {
  await openChat(page, relayFx, fake);
  await expect.poll(() => page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state)).toBe('activated');
  await page.waitForFunction(() => Boolean(navigator.serviceWorker.controller));
  const answer = await coderAnswering(page, fake, 'import sys\nprint("python", sys.version_info.major)');
  await answer.getByRole('button', { name: 'Run this Python code' }).click();
  const output = answer.getByRole('region', { name: 'Output of the Python code' });
  await expect(output).toContainText('python 3');
  // cached on first use, not precached
  await expect
    .poll(() => page.evaluate(async () => (await (await caches.open('atelier-pyodide')).keys()).map((r) => new URL(r.url).pathname.split('/').pop())))
    .toEqual(expect.arrayContaining(['pyodide.mjs', 'pyodide.asm.mjs', 'pyodide.asm.wasm', 'python_stdlib.zip']));

  await context.setOffline(true);
  await page.reload();
  const offlineAnswer = answers(page, 'Coder');
  await offlineAnswer.getByRole('button', { name: 'Run this Python code' }).click();
  await expect(offlineAnswer.getByRole('region', { name: 'Output of the Python code' })).toContainText('python 3');
  await context.setOffline(false);
});
