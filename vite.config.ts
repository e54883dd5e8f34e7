import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * Builds only the browser bundle (one entry, hashed files, a manifest the server reads to write the script
 * and stylesheet tags). The server renders pages from the same `src/web` sources directly, without Vite.
 */
export default defineConfig({
  plugins: [react()],
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: 'dist/client',
    emptyOutDir: true,
    manifest: true,
    sourcemap: true,
    assetsInlineLimit: 0,
    rolldownOptions: { input: 'src/web/client/main.tsx' },
  },
});
