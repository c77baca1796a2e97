import type { Widen } from '../../i18n/define.ts';
import type { codeRunnerEn } from './strings.ts';

export const codeRunnerFr: Widen<typeof codeRunnerEn> = {
  run: 'Exécuter',
  runLabel: 'Exécuter ce code Python',
  stop: 'Arrêter',
  stopLabel: 'Arrêter le code Python',
  output: 'Sortie du code Python',
  result: 'Résultat',
  loading: 'Chargement de Python… (la première exécution télécharge environ 12 Mo)',
  running: 'Exécution…',
  done: 'Terminé.',
  failed: 'Le code a levé une erreur :',
  stopped: 'Arrêté.',
  loadFailed: 'Python n’a pas pu être chargé ({{ message }}). Il est téléchargé à la première exécution puis gardé pour le hors-ligne : connectez-vous une fois au réseau et relancez.',
  noOutput: 'Terminé, sans sortie.',
};
