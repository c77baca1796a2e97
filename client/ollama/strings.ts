import { defineStrings } from '../i18n/define.ts';

/** Settings › Connections, installed models, pulls and their diagnoses. */
export const connectionsStrings = defineStrings(
  {
    title: 'Connections',
    endpoint: 'Ollama endpoint',
    endpointHelp: 'The address of Ollama as seen from this device. It is not synced: a phone reaches Ollama at another address than the desktop.',
    saved: 'Saved on this device.',
  },
  {
    title: 'Connexions',
    endpoint: 'Adresse d’Ollama',
    endpointHelp: 'L’adresse d’Ollama vue depuis cet appareil. Elle n’est pas synchronisée : un téléphone joint Ollama à une autre adresse que l’ordinateur.',
    saved: 'Enregistré sur cet appareil.',
  },
);
