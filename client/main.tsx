import { render } from 'solid-js/web';
import { App } from './App.tsx';
import { loadDictionary, startLocale } from './i18n/context.tsx';
import './styles.css';

// A language other than English is a lazy chunk: have it before the first paint, so the app
// never flashes in English for someone who reads French. If it cannot load, English it is.
await loadDictionary(startLocale()).catch(() => undefined);

const root = document.getElementById('root');
if (root) render(() => <App />, root);
