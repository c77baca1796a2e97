import { backupEn } from '../data/strings.ts';
import { failuresEn } from '../repo/strings.ts';
import { connectionsEn } from '../ollama/strings.ts';
import { modelsEn } from '../models/strings.ts';
import type { Widen } from './define.ts';
import type { chatStrings } from '../chat/strings.ts';
import type { knowledgeStrings } from '../knowledge/strings.ts';
import type { toolsStrings } from '../tools/strings.ts';
import type { codeRunnerEn } from '../chat/code-runner/strings.ts';
/**
 * English strings: the source dictionary, with `LazyStrings` below. fr.ts must have exactly the
 * same keys (checked by the type system).
 */
export const en = {
  app: {
    name: 'Atelier',
    tagline: 'Your Ollama presets and chats, on every device.',
    skip: 'Skip to content',
    loading: 'Opening your workspace…',
    loadFailed: 'Your workspace could not be opened: {{ message }}',
    readOnly: 'This {{ what }} was saved by a newer version of Atelier (schema {{ version }}); it is shown read-only. Update Atelier to edit it.',
    invalidDoc: 'A synced document could not be read and was skipped: {{ message }}',
  },
  nav: {
    main: 'Main',
    models: 'Models',
    chat: 'Chat',
    settings: 'Settings',
    connections: 'Connections',
    sync: 'Sync',
    data: 'Data',
    general: 'General',
    settingsSections: 'Settings sections',
  },
  status: {
    label: 'Sync status',
    local: 'On this device only',
    connecting: 'Connecting to relay…',
    online: 'Synced',
    downloading: 'Downloading the workspace: {{ stored }} of {{ total }} documents',
    offline: 'Offline — changes are kept and will sync',
    refused: 'Relay refused the token — pair this device again',
    limit: 'Relay full for this account — changes are kept here; retrying in a few minutes',
    'too-many': 'Relay busy: too many connections for this account — retrying',
    'key-mismatch': 'This device does not hold the workspace key — pair it again with a link from one of your devices',
  },
  update: {
    available: 'A new version of Atelier is available.',
    reload: 'Reload',
    dismiss: 'Later',
    offlineReady: 'Atelier is ready to work offline.',
  },
  common: {
    save: 'Save',
    cancel: 'Cancel',
    close: 'Close',
    delete: 'Delete',
    restore: 'Restore',
    copy: 'Copy',
    copied: 'Copied',
    confirm: 'Confirm',
    none: 'None',
  },
  general: {
    title: 'General',
    language: 'Language',
    languageAuto: 'Browser language',
    userName: 'Your name',
    userNameHelp: 'Used where a preset’s system prompt says {{ token }}. Kept in the workspace, so every paired device has it.',
    userNameSaved: 'Name saved.',
  },
  models: modelsEn,
  connections: connectionsEn,
  sync: {
    title: 'Sync',
    intro: 'Pair your devices through a relay. Your documents stay on each device; the relay passes changes between them and keeps an encrypted copy it cannot read.',
    notPaired: 'This device is not paired with a relay. Paste a pairing link, or the relay address and a token.',
    pairingLink: 'Pairing link',
    pairingLinkHelp: 'Open this link on another device (or scan the QR code) to pair it with this workspace. It contains your token and your workspace key: share it only with your own devices.',
    qr: 'QR code of the pairing link',
    copyLink: 'Copy link',
    pasteLink: 'Paste a pairing link',
    pair: 'Pair',
    relayUrl: 'Relay address',
    token: 'Token',
    pairWithToken: 'Pair with token',
    pairedWith: 'Paired with {{ relay }}',
    unpair: 'Unpair this device',
    unpairConfirm: 'Stop syncing this device? Your documents stay on it.',
    pairing: 'Pairing…',
    paired: 'Paired. Your workspace now syncs with the relay.',
    badLink: 'This is not a valid pairing link.',
    badToken: 'The relay refused this token.',
    unreachable: 'The relay could not be reached at {{ url }}.',
    pairTitle: 'Pair this device',
    pairPrompt: 'Pair this device with the relay at {{ relay }}? What you already have on this device is merged into the shared workspace.',
    lastSync: 'Last synced: {{ when }}',
    never: 'never',
    // end-to-end encryption (workspace key)
    encrypted: 'End-to-end encrypted: the relay stores only ciphertext. Your workspace key stays on your devices; it travels only inside the pairing link and its QR code, never to the relay.',
    fingerprint: 'Key fingerprint',
    fingerprintHelp: 'Every device paired with this workspace shows the same fingerprint. If another device shows a different one, it holds another key: pair it again with this device’s pairing link or QR code.',
    peers: 'Other devices of this workspace connected now: {{ count }}',
    rejected: '{{ count }} piece(s) of data from the relay did not open with this device’s key, or were damaged: they were not merged, and nothing of yours was changed. A device holding another key may be writing to this account: compare the key fingerprints.',
    keyField: 'Workspace key (optional)',
    keyFieldHelp: 'Needed when the account is already in use by your other devices; the pairing link carries it for you.',
    badKey: 'The workspace key in this link is damaged or incomplete. Copy the whole pairing link again from one of your devices. Nothing was changed.',
    needKey: 'This account is end-to-end encrypted. Pair with a link or QR code from one of your devices: it carries the key.',
    timeout: 'The shared workspace did not arrive from the relay. This device was left as it was; try again when your other device has synced.',
    badResponse: 'The relay at {{ url }} gave an answer Atelier does not understand. Is it an Atelier relay of the same version?',
    why: {
      refused: 'The relay refused this device’s token: it was rotated or the account was removed. Your documents stay on this device. Pair again with a new link from one of your devices.',
      limit: 'The account is over its storage limit on the relay. Nothing new is uploaded; your changes are kept on this device and sent once there is room (retried every few minutes). Ask the relay’s operator for more room.',
      'too-many': 'The relay refused the connection: too many devices or connections for this account at once. Close Atelier on a device you are not using; this device retries by itself.',
      'key-mismatch': 'This device does not hold the key this account’s workspace is encrypted with, so it uploads and merges nothing: your documents stay on this device, unchanged. Open a pairing link or scan the QR code from one of your devices that syncs (Settings › Sync there), or paste its link below.',
      offline: 'The relay cannot be reached right now. Your changes are kept on this device and sync when it is back.',
    },
  },
  backup: backupEn,
  failures: failuresEn,
  data: {
    title: 'Data',
    trash: 'Trash',
    trashEmpty: 'The Trash is empty.',
    purge: 'Delete forever',
    purgeConfirm: 'Delete “{{ name }}” forever? This cannot be undone.',
  },
} as const;

/**
 * Areas whose strings only pages in chunks of their own show: their English is fetched with
 * those pages (i18n/context.tsx `loadStrings`), not with the first page.
 */
export type LazyStrings = {
  chat: (typeof chatStrings)['en'];
  knowledge: (typeof knowledgeStrings)['en'];
  tools: (typeof toolsStrings)['en'];
  codeRunner: typeof codeRunnerEn;
};
export type LazyArea = keyof LazyStrings;

export type Dictionary = Widen<typeof en & LazyStrings>;
