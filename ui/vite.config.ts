// Vite builds the web view into ui/dist, which the Tauri shell embeds at
// compile time (src-tauri/tauri.conf.json → build.frontendDist). Vitest uses
// the same config, so TSX compiles the same way in tests and in the app.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Relative asset URLs: the app is served from tauri://localhost/.
  base: './',
  // Preact's automatic JSX runtime, without a plugin.
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  clearScreen: false,
  server: { port: 1420, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // WebKitGTK 2.40+ / WebView2 / WKWebView all handle ES2021.
    target: ['es2021', 'safari15'],
    // The CSP allows no inline scripts; keep every asset a separate file.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  test: {
    environment: 'happy-dom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    // tokens.test.ts reads the colour tokens as text (`?raw`) to check contrast.
    css: { include: [/tokens\.css/] },
  },
});
