import { defineStrings } from '../i18n/define.ts';

export const chatStrings = defineStrings(
  {
    title: 'Chat',
    coming: 'Answers from your models come with the chat work; pick a model here already.',
    selector: 'Model',
    selectModel: 'Select a model',
    searchModels: 'Search models',
    presetsGroup: 'Presets',
    baseGroup: 'Ollama models',
    noModels: 'No model matches.',
    selected: 'Selected: {{ name }}',
  },
  {
    title: 'Discussion',
    coming: 'Les réponses de vos modèles arrivent avec la discussion ; vous pouvez déjà choisir un modèle ici.',
    selector: 'Modèle',
    selectModel: 'Choisir un modèle',
    searchModels: 'Rechercher des modèles',
    presetsGroup: 'Modèles personnalisés',
    baseGroup: 'Modèles Ollama',
    noModels: 'Aucun modèle ne correspond.',
    selected: 'Sélectionné : {{ name }}',
  },
);
