// ESLint for the web front end (flat config): `npm run lint`. scripts/test.sh
// runs it between the type check and the unit tests.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // Build output, packages, and the TypeScript types generated from Rust (ts-rs).
  globalIgnores(['dist/', 'node_modules/', 'src/bindings/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    // The Tauri bridge is reached only through src/api.ts: views, steps and
    // components call api.ts, never `@tauri-apps/api` (or a subpath) directly.
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@tauri-apps/api', '@tauri-apps/api/*'],
              message: 'Only src/api.ts may import @tauri-apps/api; call the wrapper in api.ts instead.',
            },
          ],
        },
      ],
    },
  },
  {
    // api.ts is the bridge; api.test.ts drives the mocked `invoke` it calls.
    files: ['src/api.ts', 'src/api.test.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
