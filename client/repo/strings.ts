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
  deviceUnwritable: 'A setting of this device could not be stored ({{ detail }}). It applies in this tab until it is closed; free some space, then set it again.',
  dismiss: 'Dismiss',
  pageFailed: 'This page could not be loaded (the network is unavailable, or Atelier was updated).',
  pageFailedOffline: 'This page could not be loaded while offline. It will load by itself when the connection is back.',
  retryPage: 'Retry loading the page',
};

export type FailuresStrings = Widen<typeof failuresEn>;
