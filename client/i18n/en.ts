import { backupEn } from '../data/strings.ts';
import { failuresEn } from '../repo/strings.ts';
import { connectionsEn } from '../ollama/strings.ts';
import { chatStrings } from '../chat/strings.ts';
import { modelsEn } from '../models/strings.ts';
import { knowledgeStrings } from '../knowledge/strings.ts';
import { toolsStrings } from '../tools/strings.ts';
import type { Widen } from './define.ts';
/** English strings: the source dictionary. fr.ts must have exactly the same keys (checked by the type system). */
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
  },
  models: modelsEn,
  chat: chatStrings.en,
  knowledge: knowledgeStrings.en,
  tools: toolsStrings.en,
  connections: connectionsEn,
  sync: {
    title: 'Sync',
    intro: 'Pair your devices through a relay. Your documents stay on each device; the relay passes changes between them and keeps a copy.',
    notPaired: 'This device is not paired with a relay. Paste a pairing link, or the relay address and a token.',
    pairingLink: 'Pairing link',
    pairingLinkHelp: 'Open this link on another device (or scan the QR code) to pair it with this workspace. It contains your token: share it only with your own devices.',
    qr: 'QR code of the pairing link',
    copyLink: 'Copy link',
    pasteLink: 'Pairing link',
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

export type Dictionary = Widen<typeof en>;
