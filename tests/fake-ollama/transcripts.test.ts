// The fake replays every recorded exchange in transcripts/ byte for byte (wire format:
// docs/reference/ollama-wire-format.md). Each transcript's request goes to a fresh fake set up to
// give the same content (models, scripted answer, token counts); the answer must match the
// transcript's status line, headers and body, once the values listed in NORMALISERS (timestamps,
// durations, random ids) are replaced on both sides.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFakeOllama, type FakeModel, type FakeOllama } from './index.ts';
import { comparableHeaders, normalise, parseTranscript, replay } from './transcripts/transcript.ts';

const DIR = join(import.meta.dirname, 'transcripts');

const LLAMA_DIGEST = 'a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72';
const LLAMA_WEIGHTS = 'dde5aa3fc5ffc17176b5e8bdc82f587b24b2678c6c66101bf7da77af9f7ccdff';
const LLAMA: FakeModel = {
  name: 'llama3.2',
  family: 'llama',
  parameterSize: '3.2B',
  quantization: 'Q4_K_M',
  size: 2019393189,
  digest: LLAMA_DIGEST,
  weightsDigest: LLAMA_WEIGHTS,
  capabilities: ['completion', 'tools'],
};
const LLAMA_TEMPLATE =
  '{{ if .System }}<|start_header_id|>system<|end_header_id|>\n\n{{ .System }}<|eot_id|>{{ end }}' +
  '<|start_header_id|>user<|end_header_id|>\n\n{{ .Prompt }}<|eot_id|>' +
  '<|start_header_id|>assistant<|end_header_id|>\n\n{{ .Response }}<|eot_id|>';
const NOMIC: FakeModel = {
  name: 'nomic-embed-text',
  family: 'nomic-bert',
  parameterSize: '137M',
  quantization: 'F16',
  size: 274302450,
  digest: '0a109f422b47e3a30ba2b10eca18548e944e8a23073ee3f3e947efcf3c45e59f',
  capabilities: ['embedding'],
};

interface Setup {
  models?: FakeModel[];
  /** Scripts the content the real model produced (text, token counts, vectors, pull layers). */
  script?: (fake: FakeOllama) => void;
}

/** One entry per transcript file (the test checks both lists agree). */
const SETUPS: Record<string, Setup> = {
  'chat-stream-thinking-tool-call.http': {
    models: [{ name: 'qwen3', family: 'qwen3', capabilities: ['completion', 'tools', 'thinking'] }],
    script: (f) =>
      f.scriptChat({
        thinking: 'The user wants the weather in Tokyo.',
        toolCalls: [{ name: 'get_weather', arguments: { city: 'Tokyo' } }],
        promptEvalCount: 163,
        evalCount: 24,
      }),
  },
  'chat-stream-go-escaping.http': {
    models: [LLAMA],
    script: (f) => f.scriptChat({ content: 'Press <kbd>Ctrl</kbd> & C — voilà.', promptEvalCount: 26, evalCount: 282 }),
  },
  'chat-no-stream.http': {
    models: [LLAMA],
    script: (f) => f.scriptChat({ content: 'Weather in Tokyo', promptEvalCount: 41, evalCount: 4 }),
  },
  'chat-error-in-stream.http': {
    models: [LLAMA],
    script: (f) =>
      f.scriptChat({ content: 'Once upon a time', errorAfterChars: { after: 4, error: 'llama runner process has terminated: exit status 2' } }),
  },
  'chat-errors-before-stream.http': {
    models: [LLAMA, { name: 'gemma3', family: 'gemma3', capabilities: ['completion'] }],
    script: (f) =>
      f.scriptChat({
        model: 'llama3.2',
        errorBefore: { status: 503, error: 'server busy, please try again.  maximum pending requests exceeded' },
      }),
  },
  'generate-stream.http': {
    models: [LLAMA],
    script: (f) =>
      f.scriptChat({
        content: 'Rayleigh scattering.',
        promptEvalCount: 26,
        evalCount: 5,
        context: [128006, 882, 128007, 271, 10445, 374, 279, 13180, 6437, 30, 128009, 128006, 78191, 128007, 271, 49, 352, 64063, 72916, 13],
      }),
  },
  'pull-success.http': {
    script: (f) =>
      f.setPullable({
        'llama3.2': {
          blobs: [
            { digest: `sha256:${LLAMA_WEIGHTS}`, size: 2019377376, progress: [241970, 1009688688, 2019377376] },
            { digest: 'sha256:966de95ca8a62200913e3f8bfbf84c8494536f1b94b49166851e76644e966396', size: 1429 },
          ],
        },
      }),
  },
  'pull-errors.http': { models: [LLAMA] },
  'tags.http': { models: [LLAMA, NOMIC] },
  'show.http': {
    models: [
      {
        ...LLAMA,
        template: LLAMA_TEMPLATE,
        modelInfo: {
          'general.architecture': 'llama',
          'general.basename': 'Llama-3.2',
          'general.file_type': 15,
          'general.parameter_count': 3212749888,
          'general.quantization_version': 2,
          'llama.attention.head_count': 24,
          'llama.attention.head_count_kv': 8,
          'llama.attention.layer_norm_rms_epsilon': 1e-5,
          'llama.block_count': 28,
          'llama.context_length': 131072,
          'llama.embedding_length': 3072,
          'llama.rope.freq_base': 500000,
          'tokenizer.ggml.model': 'gpt2',
        },
      },
    ],
  },
  'ps.http': { models: [{ ...LLAMA, size: 3350839296, loaded: true }] },
  'embed.http': {
    models: [NOMIC],
    script: (f) =>
      f.scriptEmbed({
        embeddings: [
          [0.010071029, -0.0017594862, 0.85007221, -0.52669734],
          [0.02146398, 0.4031787, 0.60225844, -0.68881035],
        ],
        promptEvalCount: 12,
      }),
  },
  'delete.http': { models: [LLAMA] },
  'server-basics.http': { models: [LLAMA] },
  'cors-and-host.http': { models: [LLAMA] },
  'openai-chat-stream.http': {
    script: (f) => {
      f.openai.setKey('sk-test-0123456789');
      f.openai.scriptChat({ content: 'Hello! How can I help?' });
    },
  },
};

const files = readdirSync(DIR).filter((f) => f.endsWith('.http')).sort();

describe('recorded Ollama exchanges', () => {
  it('every transcript has a setup and every setup a transcript', () => {
    expect(Object.keys(SETUPS).sort()).toEqual(files);
  });

  for (const file of files) {
    it(`the fake answers ${file} as the real server did`, async () => {
      const transcript = parseTranscript(readFileSync(join(DIR, file), 'utf8'), file);
      const setup = SETUPS[file] ?? {};
      const fake = await startFakeOllama({ models: setup.models ?? [], tokensPerSecond: 0, pullStepDelayMs: 0 });
      try {
        setup.script?.(fake);
        for (const [i, { request, response }] of transcript.exchanges.entries()) {
          const where = `${file}, exchange ${i + 1} (${request.startLine})`;
          const got = await replay(fake.url, request);
          expect(`HTTP/1.1 ${got.status} ${got.statusMessage}`, where).toBe(response.startLine);
          const shown = new Set(response.headers.map(([k]) => k.toLowerCase()));
          expect(comparableHeaders(got.rawHeaders, shown), where).toEqual(comparableHeaders(response.headers, shown));
          expect(normalise(got.body), where).toBe(normalise(response.body));
        }
      } finally {
        await fake.close();
      }
    });
  }
});

describe('transcript format', () => {
  it('a body ends just before the newline that precedes the next marker', () => {
    const t = parseTranscript(
      '# header\n### request\nGET / HTTP/1.1\nHost: x\n\n### response\nHTTP/1.1 200 OK\nContent-Type: a\n\nline\n\n### end\n' +
        '### request\nGET / HTTP/1.1\n\n### response\nHTTP/1.1 200 OK\n\n{"a":1}\n### end\n',
    );
    expect(t.header).toEqual(['# header']);
    expect(t.exchanges.map((e) => [e.request.body, e.response.body])).toEqual([
      ['', 'line\n'],
      ['', '{"a":1}'],
    ]);
    expect(t.exchanges[0]!.response.headers).toEqual([['Content-Type', 'a']]);
  });

  it('normalises only the listed timestamp, duration and id forms', () => {
    const line = '{"created_at":"2026-08-24T09:12:03.4184Z","total_duration":48,"eval_count":3,"created_at_x":"2026-08-24T09:12:03Z"}';
    expect(normalise(line)).toBe('{"created_at":"<time>","total_duration":<ns>,"eval_count":3,"created_at_x":"2026-08-24T09:12:03Z"}');
    // A timestamp in another form stays as it is, so a format drift still shows.
    expect(normalise('{"created_at":"2026-08-24 09:12:03"}')).toBe('{"created_at":"2026-08-24 09:12:03"}');
  });
});
