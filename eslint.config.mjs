// Lint, with the import boundaries of ARCHITECTURE.md at error level ("bad layering" when broken).
import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const layering = (message, patterns) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group, message: `Bad layering: ${message}` })) }],
})

const NODE_BUILTINS = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'net', 'http', 'https', 'crypto', 'worker_threads', 'stream', 'url', 'util']

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.otw-data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': ['error', { selector: "MemberExpression[object.name='ipcMain']", message: 'Bad layering: only main/ipc binds the contract to IPC (pass ipcMain to bindIpcMain).' }],
    },
  },
  {
    files: ['preload/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!zod$|\\./)', message: 'Bad layering: preload/contract imports nothing but zod.' }] }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: layering('the renderer runs in the browser: no main/**, electron or Node built-ins (talk to the core through the bridge).', [
      ['**/main/**', '../../main/*', 'electron', ...NODE_BUILTINS],
    ]),
  },
  {
    files: ['main/ipc/**/*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/index.ts'],
    rules: layering('only main/index.ts may import electron (the core must run without it).', [['electron', 'electron/*'], ['**/renderer/**']]),
  },
  {
    files: ['main/connectors/modbus/**/*.ts'],
    rules: layering('connectors do not import each other, the historian or the UI.', [['**/connectors/opcua/**', '**/connectors/mqtt/**', '**/historian/**', '**/renderer/**', 'electron']]),
  },
  {
    files: ['main/connectors/opcua/**/*.ts'],
    rules: layering('connectors do not import each other, the historian or the UI.', [['**/connectors/modbus/**', '**/connectors/mqtt/**', '**/historian/**', '**/renderer/**', 'electron']]),
  },
  {
    files: ['main/connectors/mqtt/**/*.ts'],
    rules: layering('connectors do not import each other, the historian or the UI.', [['**/connectors/modbus/**', '**/connectors/opcua/**', '**/historian/**', '**/renderer/**', 'electron']]),
  },
  {
    files: ['e2e/**/*.ts'],
    rules: layering('e2e drives the app as a person does, never its internals.', [['**/main/**', '**/renderer/src/**', '!**/main/cli']]),
  },
  {
    files: ['**/*.test.ts', 'e2e/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
)
