import { backupFr } from '../data/strings.fr.ts';
import { failuresFr } from '../repo/strings.fr.ts';
import { connectionsFr } from '../ollama/strings.fr.ts';
import { chatStrings } from '../chat/strings.ts';
import { modelsFr } from '../models/strings.fr.ts';
import { knowledgeStrings } from '../knowledge/strings.ts';
import { toolsStrings } from '../tools/strings.ts';
import { codeRunnerFr } from '../chat/code-runner/strings.fr.ts';
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
  codeRunner: codeRunnerFr,
  connections: connectionsFr,
  sync: {
    title: 'Synchronisation',
    intro: 'Associez vos appareils via un relais. Vos documents restent sur chaque appareil ; le relais transmet les modifications et en garde une copie chiffrée qu’il ne peut pas lire.',
    notPaired: 'Cet appareil n’est associé à aucun relais. Collez un lien d’association, ou l’adresse du relais et un jeton.',
    pairingLink: 'Lien d’association',
    pairingLinkHelp: 'Ouvrez ce lien sur un autre appareil (ou scannez le QR code) pour l’associer à cet espace de travail. Il contient votre jeton et la clé de votre espace de travail : ne le partagez qu’avec vos propres appareils.',
    qr: 'QR code du lien d’association',
    copyLink: 'Copier le lien',
    pasteLink: 'Collez un lien d’association',
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
    // chiffrement de bout en bout (clé de l’espace de travail)
    encrypted: 'Chiffré de bout en bout : le relais ne stocke que des données chiffrées. La clé de votre espace de travail reste sur vos appareils ; elle ne voyage que dans le lien d’association et son QR code, jamais jusqu’au relais.',
    fingerprint: 'Empreinte de la clé',
    fingerprintHelp: 'Tous les appareils associés à cet espace de travail affichent la même empreinte. Si un autre appareil en affiche une différente, il détient une autre clé : associez-le de nouveau avec le lien d’association ou le QR code de cet appareil.',
    peers: 'Autres appareils de cet espace de travail connectés en ce moment : {{ count }}',
    rejected: '{{ count }} élément(s) de données venu(s) du relais ne s’ouvrent pas avec la clé de cet appareil, ou sont abîmés : ils n’ont pas été fusionnés, et rien de vos données n’a changé. Un appareil avec une autre clé écrit peut-être sur ce compte : comparez les empreintes de clé.',
    keyField: 'Clé de l’espace de travail (facultatif)',
    keyFieldHelp: 'Nécessaire quand le compte est déjà utilisé par vos autres appareils ; le lien d’association la contient pour vous.',
    badKey: 'La clé de l’espace de travail contenue dans ce lien est abîmée ou incomplète. Copiez de nouveau le lien d’association entier depuis un de vos appareils. Rien n’a été modifié.',
    needKey: 'Ce compte est chiffré de bout en bout. Associez cet appareil avec un lien ou un QR code venu d’un de vos appareils : il contient la clé.',
    timeout: 'L’espace de travail partagé n’est pas arrivé du relais. Cet appareil est resté tel quel ; réessayez quand votre autre appareil se sera synchronisé.',
    badResponse: 'Le relais à {{ url }} a donné une réponse qu’Atelier ne comprend pas. Est-ce un relais Atelier de la même version ?',
    why: {
      refused: 'Le relais a refusé le jeton de cet appareil : il a été renouvelé ou le compte a été supprimé. Vos documents restent sur cet appareil. Associez-le de nouveau avec un nouveau lien venu d’un de vos appareils.',
      limit: 'Le compte dépasse sa limite de stockage sur le relais. Rien de nouveau n’est envoyé ; vos modifications sont conservées sur cet appareil et envoyées dès qu’il y a de la place (nouvel essai toutes les quelques minutes). Demandez plus de place à la personne qui gère le relais.',
      'too-many': 'Le relais a refusé la connexion : trop d’appareils ou de connexions à la fois pour ce compte. Fermez Atelier sur un appareil que vous n’utilisez pas ; cet appareil réessaie de lui-même.',
      'key-mismatch': 'Cet appareil n’a pas la clé avec laquelle l’espace de travail de ce compte est chiffré : il n’envoie et ne fusionne donc rien, et vos documents restent sur cet appareil, inchangés. Ouvrez un lien d’association ou scannez le QR code d’un de vos appareils qui se synchronise (Paramètres › Synchronisation sur celui-ci), ou collez son lien ci-dessous.',
      offline: 'Le relais est injoignable pour l’instant. Vos modifications sont conservées sur cet appareil et se synchroniseront à son retour.',
    },
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
