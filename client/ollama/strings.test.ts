import { describe, expect, it } from 'vitest';
import { DIAGNOSIS_CODES, type BadUrlReason, type UnsupportedFeature } from '../../shared/ollama/diagnose.ts';
import { connectionsEn } from './strings.ts';
import { connectionsFr } from './strings.fr.ts';
import { macosOriginsCommand, originsLine, serveWithOriginsCommand, systemdOriginsLines } from './commands.ts';

type Dict = Record<string, unknown>;
const get = (d: unknown, path: string): unknown => path.split('.').reduce<unknown>((o, k) => (o as Dict | undefined)?.[k], d);

const BAD_URL: BadUrlReason[] = ['empty', 'unparsable', 'unsupported-scheme', 'credentials', 'unspecified-address', 'api-path', 'path'];
const FEATURES: UnsupportedFeature[] = ['chat', 'generate', 'tools', 'thinking', 'vision', 'insert', 'embedding', 'completion'];

const connectionsStrings = { en: connectionsEn, fr: connectionsFr };

describe('connections strings', () => {
  for (const lang of ['en', 'fr'] as const) {
    const d = connectionsStrings[lang];
    it(`${lang}: every diagnosis code has a title`, () => {
      for (const code of DIAGNOSIS_CODES) expect(typeof get(d, `diagnosis.${code}.title`), code).toBe('string');
    });
    it(`${lang}: every variant the message shows has its text`, () => {
      for (const r of BAD_URL) expect(typeof get(d, `diagnosis.bad-url.${r}`), r).toBe('string');
      for (const f of FEATURES) expect(typeof get(d, `diagnosis.unsupported.${f}`), f).toBe('string');
      for (const s of ['prompt', 'denied']) expect(typeof get(d, `diagnosis.local-network-access.${s}`)).toBe('string');
      for (const w of ['local', 'registry']) expect(typeof get(d, `diagnosis.model-not-found.${w}`)).toBe('string');
      for (const p of ['queued', 'idle', 'manifest', 'downloading', 'verifying', 'writing', 'success', 'error', 'cancelled']) {
        expect(typeof get(d, `phase.${p}`), p).toBe('string');
      }
    });
  }
  it('French differs from English where it should', () => {
    expect(connectionsStrings.fr.diagnosis.cors.title).not.toBe(connectionsStrings.en.diagnosis.cors.title);
  });
});

describe('commands', () => {
  const origin = 'https://atelier.example.com';
  it('builds the exact lines to copy', () => {
    expect(originsLine(origin)).toBe('OLLAMA_ORIGINS=https://atelier.example.com');
    expect(macosOriginsCommand(origin)).toBe('launchctl setenv OLLAMA_ORIGINS "https://atelier.example.com"');
    expect(systemdOriginsLines(origin)).toBe('[Service]\nEnvironment="OLLAMA_ORIGINS=https://atelier.example.com"');
    expect(serveWithOriginsCommand(origin)).toBe('OLLAMA_ORIGINS=https://atelier.example.com ollama serve');
  });
});
