import type { BackupStrings } from './strings.ts';

/** French; the type makes it have exactly the English keys. Its own module, so English readers never load it. */
export const backupFr: BackupStrings = {
  title: 'Sauvegarde',
  intro: 'Un seul fichier avec tous les documents de cet espace de travail (modèles, discussions, images, documents), avec tout leur historique.',
  backup: 'Tout sauvegarder',
  restore: 'Restaurer une sauvegarde',
  working: 'En cours… {{ done }} documents',
  backedUp: 'Sauvegarde enregistrée : {{ n }} documents.',
  backedUpMissing: 'Sauvegarde enregistrée : {{ n }} documents. {{ missing }} documents listés n’étaient pas sur cet appareil et n’y sont pas.',
  restored: 'Restauré : {{ restored }} nouveaux documents, {{ merged }} fusionnés avec ceux déjà présents, {{ entries }} entrées ajoutées à cet espace de travail.',
  notBackup: 'Ce fichier n’est pas une sauvegarde d’Atelier. Rien n’a été modifié.',
  badDocument: 'Cette sauvegarde est abîmée (un document est illisible). Rien n’a été modifié.',
  tooLarge: 'Ce fichier est trop volumineux pour être une sauvegarde. Rien n’a été modifié.',
  storage: 'Stockage sur cet appareil',
  used: '{{ used }} utilisés sur {{ quota }} disponibles',
  unknownUsage: 'Le navigateur n’indique pas l’espace utilisé.',
  persistent: 'Le stockage est persistant : le navigateur ne l’effacera pas de lui-même.',
  notPersistent: 'Le stockage n’est pas persistant : le navigateur peut l’effacer (Safari le fait après 7 jours sans utilisation). Associez un relais ou sauvegardez régulièrement.',
  askPersist: 'Demander à conserver mes données',
  nearlyFull: 'Le stockage est presque plein ({{ percent }} %). Sauvegardez, ou videz la corbeille.',
  lastSync: 'Dernière synchronisation avec le relais : {{ when }}',
  notPaired: 'Cet appareil n’est associé à aucun relais : il détient la seule copie de vos données. Associez un relais ou sauvegardez.',
  never: 'jamais',
};
