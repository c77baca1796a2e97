import type { FailuresStrings } from './strings.ts';

/** French; the type makes it have exactly the English keys. */
export const failuresFr: FailuresStrings = {
  saveQuota:
    'Vos dernières modifications n’ont pas pu être enregistrées : cet appareil n’a plus d’espace de stockage. Elles sont toujours à l’écran — gardez cet onglet ouvert, libérez de l’espace (supprimez de gros fichiers, ou d’anciennes discussions dans Atelier), puis appuyez sur Réessayer.',
  saveRefused:
    'Vos dernières modifications n’ont pas pu être enregistrées : le navigateur refuse de stocker des données pour ce site (fenêtre de navigation privée, ou stockage désactivé dans ses réglages). Elles sont toujours à l’écran — gardez cet onglet ouvert, autorisez le stockage pour ce site ou ouvrez Atelier dans une fenêtre normale, puis appuyez sur Réessayer.',
  saveOther:
    'Vos dernières modifications n’ont pas pu être enregistrées sur cet appareil. Elles sont toujours à l’écran — gardez cet onglet ouvert et appuyez sur Réessayer.',
  saveDetail: 'Message du navigateur : {{ detail }}',
  retrySave: 'Réessayer d’enregistrer',
  retrying: 'Enregistrement…',
  deviceUnreadable:
    'Les réglages de cet appareil (association au relais, adresse d’Ollama) sont illisibles : les valeurs par défaut sont utilisées. La copie illisible est conservée sous « {{ key }} » dans le stockage de ce site ; associez de nouveau cet appareil dans Paramètres › Synchronisation s’il l’était.',
  storedUnreadable:
    'Une partie des données de cet appareil ({{ what }}) est illisible ; ce qui a pu être lu est utilisé. La copie illisible est conservée sous « {{ key }} » dans le stockage de ce site.',
  storedQuota:
    'Non enregistré sur cet appareil : {{ what }}. Le stockage du navigateur pour ce site est plein. Cela s’applique dans cet onglet jusqu’à sa fermeture ; libérez de l’espace (anciennes discussions, gros fichiers), puis modifiez-le de nouveau.',
  storedRefused:
    'Non enregistré sur cet appareil : {{ what }}. Le navigateur refuse de stocker des données pour ce site (fenêtre de navigation privée, ou stockage désactivé dans ses réglages). Cela s’applique dans cet onglet jusqu’à sa fermeture.',
  storedOther: 'Non enregistré sur cet appareil : {{ what }}. Cela s’applique dans cet onglet jusqu’à sa fermeture ; modifiez-le de nouveau pour réessayer.',
  stored: {
    deviceSettings: 'les réglages de l’appareil (association au relais, adresse d’Ollama)',
    drafts: 'un brouillon de message non envoyé',
    lastModels: 'les modèles choisis en dernier pour une nouvelle discussion',
    knownModels: 'la liste des modèles Ollama installés',
    connections: 'les connexions compatibles OpenAI',
    connectionModels: 'les listes de modèles des connexions compatibles OpenAI',
    language: 'la langue choisie',
    deviceId: 'l’identifiant de l’appareil',
    communityUrl: 'l’adresse du site communautaire',
    modelsView: 'la liste de modèles enregistrée',
    syncLedger: 'la liste des modifications à envoyer au relais',
  },
  dismiss: 'Fermer',
  pageFailed: 'Cette page n’a pas pu être chargée (réseau indisponible, ou Atelier a été mis à jour).',
  pageFailedOffline: 'Cette page n’a pas pu être chargée hors ligne. Elle se chargera d’elle-même au retour de la connexion.',
  retryPage: 'Réessayer de charger la page',
};
