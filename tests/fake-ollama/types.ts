/**
 * Public types of the fake Ollama server (the one test double of the project).
 * The wire format it imitates: docs/reference/ollama-wire-format.md; the recorded exchanges it is
 * checked against: tests/fake-ollama/transcripts/.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { FakeOpenAI, OpenAIModeOptions } from './openai.ts';

export interface FakeOllamaOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** Extra allowed origins, like OLLAMA_ORIGINS (may contain one `*` wildcard each, or be `*`). */
  origins?: string[];
  /** Add Ollama's built-in origins (localhost, 127.0.0.1, 0.0.0.0, app://, file://, …). Default true. */
  defaultOrigins?: boolean;
  /** Installed models at start. */
  models?: FakeModel[];
  /** Default pace of generated tokens (default 500 tokens/s; 0 or Infinity = as fast as possible). */
  tokensPerSecond?: number;
  /** Delay between two progress lines of a pull (default 5 ms). */
  pullStepDelayMs?: number;
  /** Progress lines per layer after its first line (default 4). */
  pullSteps?: number;
  /** Check the Host header like Ollama does when it listens on loopback (default true). */
  checkHost?: boolean;
  /** The OpenAI-compatible mode (routes under `/v1` by default; see openai.ts). */
  openai?: OpenAIModeOptions;
}

export interface FakeModel {
  /** As Ollama lists it; `llama3.2` is stored as `llama3.2:latest`. */
  name: string;
  family?: string;
  /** e.g. "3.2B" */
  parameterSize?: string;
  /** e.g. "Q4_K_M" */
  quantization?: string;
  /** Bytes on disk. */
  size?: number;
  /** completion, tools, insert, vision, embedding, thinking. Default ["completion"]. */
  capabilities?: string[];
  /** `<family>.context_length` in /api/show model_info. Default 131072. */
  contextLength?: number;
  /** Listed by /api/ps at start. */
  loaded?: boolean;
  /** Dimension of /api/embed vectors (and `<family>.embedding_length`). Default 768 for embedding models, 2048 otherwise. */
  embeddingLength?: number;
  /** Shown by /api/show. */
  template?: string;
  system?: string;
  /** modified_at; default: the time the model was added. */
  modifiedAt?: Date;
  /** Manifest digest (64 hex) shown by /api/tags, /api/ps and /api/show; default derived from the name. */
  digest?: string;
  /** Digest (64 hex) of the weights blob, named in /api/show's `FROM` line; default derived from the name. */
  weightsDigest?: string;
  /** /api/show `model_info` as the GGUF has it (replaces the generated keys; sorted on output like Go maps). */
  modelInfo?: Record<string, unknown>;
}

/** What the next /api/embed answers (the vectors a real model would compute for its inputs). */
export interface EmbedScript {
  embeddings: number[][];
  promptEvalCount?: number;
}

export interface ChatScript {
  content?: string;
  thinking?: string;
  toolCalls?: Array<{ name: string; arguments: Record<string, unknown> }>;
  /** Reply with this status and `{"error": error}` before any streamed byte. */
  errorBefore?: { status: number; error: string };
  /** Stream `after` characters of the answer (thinking + content), then a final `{"error"}` line with no done line. */
  errorAfterChars?: { after: number; error: string };
  tokensPerSecond?: number;
  /** done_reason of the final line (default "stop"). */
  doneReason?: string;
  /** Write each NDJSON line in pieces of this many bytes (lines split across network chunks). */
  chunkBytes?: number;
  /** Only used for a request to this model (compared like Ollama compares names). */
  model?: string;
  /** Token counts of the final line, as the real model's tokenizer would count them (default: estimated). */
  promptEvalCount?: number;
  evalCount?: number;
  /** /api/generate's `context` token ids (default: derived from the text). */
  context?: number[];
}

export interface PullableSpec {
  /** Number of layers (default 3). */
  layers?: number;
  /** Total bytes over all layers (default 2 GB-ish for the first layer plus small ones). */
  totalBytes?: number;
  /** Progress lines per layer after its first line (default: server option). */
  steps?: number;
  /** Delay between progress lines (default: server option). */
  stepDelayMs?: number;
  /** The last progress line of each layer stops just short of `total`, as real Ollama sometimes does. */
  stopShortOfTotal?: boolean;
  /** Write each NDJSON line in pieces of this many bytes (lines split across network chunks). */
  chunkBytes?: number;
  /** Send "removing unused layers" before "success" (as when an update replaced layers). */
  removesUnusedLayers?: boolean;
  /** Model installed once pulled (name and digest are taken from the pull). */
  model?: Omit<FakeModel, 'name'>;
  /**
   * The layers exactly: digest (`sha256:` + 64 hex), size, and the `completed` value of each
   * progress line after the layer's first line (default `[size]`). Replaces layers/totalBytes/steps.
   */
  blobs?: Array<{ digest: string; size: number; progress?: number[] }>;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Raw request URL (path + query). */
  url: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body when it parsed, the raw text otherwise, undefined when empty. */
  body: unknown;
  rawBody: string;
  /** Date.now() when the request arrived. */
  time: number;
}

export interface FakeOllama {
  url: string;
  port: number;
  /** The OpenAI-compatible mode of the same server: `fake.openai.url` is the base URL (`…/v1`). */
  openai: FakeOpenAI;
  close(): Promise<void>;
  requests: RecordedRequest[];
  clearRequests(): void;
  setModels(m: FakeModel[]): void;
  addModel(m: FakeModel): void;
  /** Names as /api/tags lists them. */
  modelNames(): string[];
  /** Queue a scripted reply for /api/chat or /api/generate (FIFO; when empty, a default echo answer). */
  scriptChat(reply: ChatScript): void;
  /** Queue the answer of the next /api/embed (FIFO; when empty, hashed bag-of-words vectors). */
  scriptEmbed(reply: EmbedScript): void;
  clearScripts(): void;
  /** Which names a pull succeeds for (replaces the previous set); others get the in-stream manifest error. */
  setPullable(names: Record<string, PullableSpec>): void;
  /** Simulate the server being down: stop listening and cut open connections (connections are refused). */
  setDown(down: boolean): Promise<void>;
  /** Allowed extra origins, like restarting Ollama with another OLLAMA_ORIGINS. */
  setOrigins(origins: string[], defaultOrigins?: boolean): void;
  setTokensPerSecond(tps: number): void;
  /** Requests whose handler is still running (a stream being generated, a pull in progress). */
  inFlight(): number;
}
