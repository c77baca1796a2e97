import { backupFr } from '../data/strings.fr.ts';
import { failuresFr } from '../repo/strings.fr.ts';
import { connectionsFr } from '../ollama/strings.fr.ts';
import { chatStrings } from '../chat/strings.ts';
import { modelsFr } from '../models/strings.fr.ts';
import { knowledgeStrings } from '../knowledge/strings.ts';
import { toolsStrings } from '../tools/strings.ts';
import type { Dictionary } from './en.ts';

/*
 * French: loaded on demand (i18n/context.tsx), so a person reading English never downloads it.
 * Areas whose strings.ts still holds both languages (defineStrings) bring their English along;
 * split areas (strings.ts + strings.fr.ts) do not.
 */
export const fr: Dictionary = {
  app: {
    name: 'Atelier',
    tagline: 'Vos modèles Ollama et vos conversations, sur tous vos appareils.',
    skip: 'Aller au contenu',
    loading: 'Ouverture de votre espace de travail…',
    loadFailed: 'Impossible d’ouvrir votre espace de travail : {{ message }}',
    readOnly: 'Ce {{ what }} a été enregistré par une version plus récente d’Atelier (schéma {{ version }}) ; il est affiché en lecture seule. Mettez Atelier à jour pour le modifier.',
    invalidDoc: 'Un document synchronisé illisible a été ignoré : {{ message }}',
  },
  nav: {
    main: 'Principal',
    models: 'Modèles',
    chat: 'Discussion',
    settings: 'Paramètres',
    connections: 'Connexions',
    sync: 'Synchronisation',
    data: 'Données',
    general: 'Général',
    settingsSections: 'Sections des paramètres',
  },
  status: {
    label: 'État de la synchronisation',
    local: 'Sur cet appareil uniquement',
    connecting: 'Connexion au relais…',
    online: 'Synchronisé',
    downloading: 'Téléchargement de l’espace de travail : {{ stored }} documents sur {{ total }}',
    offline: 'Hors ligne — les modifications sont conservées et seront synchronisées',
    refused: 'Le relais a refusé le jeton — appairez de nouveau cet appareil',
    limit: 'Relais plein pour ce compte — les modifications restent ici ; nouvel essai dans quelques minutes',
    'too-many': 'Relais occupé : trop de connexions pour ce compte — nouvel essai',
    'key-mismatch': 'Cet appareil n’a pas la clé de l’espace de travail — appairez-le de nouveau avec un lien venu d’un de vos appareils',
  },
  update: {
    available: 'Une nouvelle version d’Atelier est disponible.',
    reload: 'Recharger',
    dismiss: 'Plus tard',
    offlineReady: 'Atelier est prêt à fonctionner hors ligne.',
  },
  common: {
    save: 'Enregistrer',
    cancel: 'Annuler',
    close: 'Fermer',
    delete: 'Supprimer',
    restore: 'Restaurer',
    copy: 'Copier',
    copied: 'Copié',
    confirm: 'Confirmer',
    none: 'Aucun',
  },
  general: {
    title: 'Général',
    language: 'Langue',
    languageAuto: 'Langue du navigateur',
    userName: 'Votre nom',
    userNameHelp: 'Utilisé là où le prompt système d’un préréglage écrit {{ token }}. Gardé dans l’espace de travail : chaque appareil associé l’a.',
    userNameSaved: 'Nom enregistré.',
  },
  models: modelsFr,
  chat: chatStrings.fr,
  knowledge: knowledgeStrings.fr,
  tools: toolsStrings.fr,
  connections: connectionsFr,
  sync: {
    title: 'Synchronisation',
    intro: 'Associez vos appareils via un relais. Vos documents restent sur chaque appareil ; le relais transmet les modifications et en garde une copie.',
    notPaired: 'Cet appareil n’est associé à aucun relais. Collez un lien d’association, ou l’adresse du relais et un jeton.',
    pairingLink: 'Lien d’association',
    pairingLinkHelp: 'Ouvrez ce lien sur un autre appareil (ou scannez le QR code) pour l’associer à cet espace de travail. Il contient votre jeton : ne le partagez qu’avec vos propres appareils.',
    qr: 'QR code du lien d’association',
    copyLink: 'Copier le lien',
    pasteLink: 'Lien d’association',
    pair: 'Associer',
    relayUrl: 'Adresse du relais',
    token: 'Jeton',
    pairWithToken: 'Associer avec le jeton',
    pairedWith: 'Associé à {{ relay }}',
    unpair: 'Dissocier cet appareil',
    unpairConfirm: 'Arrêter la synchronisation de cet appareil ? Vos documents y restent.',
    pairing: 'Association…',
    paired: 'Associé. Votre espace de travail se synchronise maintenant avec le relais.',
    badLink: 'Ce lien d’association n’est pas valide.',
    badToken: 'Le relais a refusé ce jeton.',
    unreachable: 'Le relais est injoignable à {{ url }}.',
    pairTitle: 'Associer cet appareil',
    pairPrompt: 'Associer cet appareil au relais {{ relay }} ? Ce que vous avez déjà sur cet appareil est fusionné dans l’espace de travail partagé.',
    lastSync: 'Dernière synchronisation : {{ when }}',
    never: 'jamais',
  },
  backup: backupFr,
  failures: failuresFr,
  data: {
    title: 'Données',
    trash: 'Corbeille',
    trashEmpty: 'La corbeille est vide.',
    purge: 'Supprimer définitivement',
    purgeConfirm: 'Supprimer « {{ name }} » définitivement ? C’est irréversible.',
  },
};
