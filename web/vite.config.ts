/**
 * Vite config for the admin UI. Root is `web/`; the build goes to `web/dist` and is served by Portico at `/ui/`.
 * Each page is a lazy route (its own chunk); CodeMirror gets one shared chunk that only code-editing pages load.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const backend = process.env.PORTICO_DEV_BACKEND ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root,
  base: '/ui/',
  plugins: [react(), tailwindcss()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [{ name: 'codemirror', test: /node_modules[\\/](@codemirror|codemirror|@lezer|crelt|style-mod|w3c-keyname)[\\/]/ }],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': backend,
      '/token': backend,
      '/health': backend,
    },
  },
});
