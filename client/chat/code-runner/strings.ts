import { defineStrings } from '../../i18n/define.ts';

/** The code interpreter: Run on a Python block of an answer, its output. */
export const codeRunnerStrings = defineStrings(
  {
    run: 'Run',
    runLabel: 'Run this Python code',
    stop: 'Stop',
    stopLabel: 'Stop the Python code',
    output: 'Output of the Python code',
    result: 'Result',
    loading: 'Loading Python… (the first run downloads about 12 MB)',
    running: 'Running…',
    done: 'Finished.',
    failed: 'The code raised an error:',
    stopped: 'Stopped.',
    loadFailed: 'Python could not be loaded ({{ message }}). It is downloaded on the first run and then kept for offline use: connect to the network once and run again.',
    noOutput: 'Finished, with no output.',
  },
  {
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
  },
);
