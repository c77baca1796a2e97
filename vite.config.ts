import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';
import wasm from 'vite-plugin-wasm';
import { VitePWA } from 'vite-plugin-pwa';

// The Automerge wasm is ~3.6 MB; Workbox silently drops files over 2 MiB from the
// precache, and then the app cannot boot offline (automerge-notes.md). Allow 8 MiB.
const MAX_PRECACHE_BYTES = 8 * 1024 * 1024;

export default defineConfig({
  root: 'client',
  publicDir: 'public',
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'esnext',
  },
  worker: { format: 'es', plugins: () => [wasm()] },
  server: { port: 5173 },
  plugins: [
    wasm(),
    solid(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['favicon.svg'],
      manifest: {
        name: 'Atelier',
        short_name: 'Atelier',
        description: 'Your Ollama model presets and chats, on every device, offline first.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        theme_color: '#4f46e5',
        background_color: '#f8fafc',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,wasm,svg,png,webmanifest}'],
        maximumFileSizeToCacheInBytes: MAX_PRECACHE_BYTES,
        navigateFallback: '/index.html',
        // The relay's own endpoints are never app pages.
        navigateFallbackDenylist: [/^\/sync/, /^\/api\//, /^\/healthz/],
        cleanupOutdatedCaches: true,
      },
    }),
  ],
});
