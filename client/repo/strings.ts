import type { Widen } from '../i18n/define.ts';

/** English strings of failures the person must know about (saves, device settings, pages that cannot load). French: strings.fr.ts. */
export const failuresEn = {
  saveQuota:
    'Your latest changes could not be saved: this device is out of storage space. They are still on screen — keep this tab open, free some space (delete large files, or old conversations in Atelier), then press Retry.',
  saveRefused:
    'Your latest changes could not be saved: the browser refused to store data for this site (a private window, or storage turned off in its settings). They are still on screen — keep this tab open, allow storage for this site or open Atelier in a normal window, then press Retry.',
  saveOther: 'Your latest changes could not be saved on this device. They are still on screen — keep this tab open and press Retry.',
  saveDetail: 'Browser message: {{ detail }}',
  retrySave: 'Retry saving',
  retrying: 'Saving…',
  deviceUnreadable:
    'The settings of this device (relay pairing, Ollama address) could not be read, so the defaults are in use. The unreadable copy is kept under “{{ key }}” in this site’s storage; pair this device again in Settings › Sync if it was paired.',
  storedUnreadable:
    'Part of this device’s {{ what }} could not be read; what could be read is in use. The unreadable copy is kept under “{{ key }}” in this site’s storage.',
  storedQuota:
    'Not stored on this device: {{ what }}. The browser’s storage for this site is full. It applies in this tab until it is closed; free some space (old conversations, large files), then change it again.',
  storedRefused:
    'Not stored on this device: {{ what }}. The browser refuses to store data for this site (a private window, or storage turned off in its settings). It applies in this tab until it is closed.',
  storedOther: 'Not stored on this device: {{ what }}. It applies in this tab until it is closed; change it again to retry.',
  stored: {
    deviceSettings: 'the device’s settings (relay pairing, Ollama address)',
    drafts: 'an unsent message draft',
    lastModels: 'the models last chosen for a new chat',
    knownModels: 'the list of installed Ollama models',
    connections: 'the OpenAI-compatible connections',
    connectionModels: 'the model lists of the OpenAI-compatible connections',
    language: 'the chosen language',
    deviceId: 'the device’s id',
    communityUrl: 'the community site address',
    modelsView: 'the saved models list',
    syncLedger: 'the list of changes still to send to the relay',
  },
  dismiss: 'Dismiss',
  pageFailed: 'This page could not be loaded (the network is unavailable, or Atelier was updated).',
  pageFailedOffline: 'This page could not be loaded while offline. It will load by itself when the connection is back.',
  retryPage: 'Retry loading the page',
};

export type FailuresStrings = Widen<typeof failuresEn>;
