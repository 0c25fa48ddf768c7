// Lint, with the import boundaries of ARCHITECTURE.md at error level ("Bad layering" when broken). The boundaries are
// checked on resolved paths (import-x with the TypeScript resolver), so `../opcua` from a Modbus file is caught as surely
// as `../../connectors/opcua`; main/layering-rules.test.ts lints probe files that break each rule.
import { readdirSync } from 'node:fs'
import js from '@eslint/js'
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript'
import importX from 'eslint-plugin-import-x'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const bad = (message) => `Bad layering: ${message}`
const restrictedPaths = (zones) => ({ 'import-x/no-restricted-paths': ['error', { zones: zones.map((z) => ({ ...z, message: bad(z.message) })) }] })

const NODE_BUILTINS = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'child_process',
  'net',
  'http',
  'https',
  'crypto',
  'worker_threads',
  'stream',
  'url',
  'util',
  'events',
  'buffer',
  'zlib',
  'dgram',
  'tls',
]
/** The only packages the renderer may import: it runs in the browser, without Node (node-opcua, ws, better-sqlite3… are main's). */
const RENDERER_PACKAGES = ['react', 'react-dom', 'zustand', '@tanstack/react-query', 'uplot']
/** One folder per protocol under main/connectors; a new one is covered by the connector rule without editing this file. */
const CONNECTORS = readdirSync(new URL('./main/connectors', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
/** Code shared by every connector (the interface, status, URL helpers) sits beside the registry; the registry itself is off limits. */
const CONNECTOR_SHARED = readdirSync(new URL('./main/connectors', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isFile() && d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') && d.name !== 'registry.ts')
  .map((d) => `./${d.name}`)
/** Service code of a feature (storage, threads, the contract): engine code never imports it. */
const SERVICE_CODE = [
  './main/historian/thread/**',
  './main/oee/service/**',
  './main/vision/**/*-service.ts',
  './main/vision/**/*-handlers.ts',
  './main/deploy/service/**',
  './main/deploy/**/*-service.ts',
]

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.otw-data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': importX.flatConfigs.typescript.settings['import-x/extensions'],
      'import-x/parsers': importX.flatConfigs.typescript.settings['import-x/parsers'],
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          project: ['main/tsconfig.json', 'renderer/tsconfig.json', 'preload/tsconfig.json', 'e2e/tsconfig.json'],
          noWarnOnMultipleProjects: true,
        }),
      ],
    },
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='ipcMain']",
          message: 'Bad layering: only main/ipc binds the contract to IPC (pass ipcMain to bindIpcMain).',
        },
      ],
      // An import cycle makes load order matter and hides which module owns what.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['preload/contract/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!zod$|\\./)', message: bad('preload/contract imports nothing but zod.') }] }],
      ...restrictedPaths([
        { target: './preload/contract', from: ['./main', './renderer', './e2e', './preload/index.ts'], message: 'preload/contract imports nothing but zod.' },
      ]),
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', 'electron/*', ...NODE_BUILTINS],
              message: bad('the renderer runs in the browser: no electron or Node built-ins (talk to the core through the bridge).'),
            },
            {
              regex: `^(?!\\.|(${[...RENDERER_PACKAGES, 'vitest'].map((p) => p.replace('/', '\\/')).join('|')})(\\/|$))`,
              message: bad(
                `the renderer imports only ${RENDERER_PACKAGES.join(', ')} and its own or the contract's modules (Node-only packages belong to main).`,
              ),
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "Property[key.name='queryKey'] > ArrayExpression",
          message: 'Query keys come from queryKey() in renderer/src/bridge/queries.ts (a contract channel or feature first).',
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['Buffer', 'process', 'require', '__dirname', '__filename', 'global', 'setImmediate'].map((name) => ({
          name,
          message: bad(`${name} is Node's; the renderer runs in the browser.`),
        })),
      ],
      ...restrictedPaths([
        {
          target: './renderer',
          from: ['./main', './e2e', './preload/index.ts'],
          message: 'the renderer never imports main/**; it talks to the core through the bridge.',
        },
      ]),
    },
  },
  {
    files: ['main/ipc/**/*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['electron', 'electron/*'], message: bad('only main/index.ts may import electron (the core must run without it).') }] },
      ],
    },
  },
  {
    files: ['main/**/*.ts'],
    rules: restrictedPaths([{ target: './main', from: './renderer', message: 'main never imports the renderer.' }]),
  },
  {
    // Engine code (pure, testable alone) never imports the service that binds it to storage, threads and the contract.
    files: ['main/historian/**/*.ts', 'main/oee/**/*.ts', 'main/vision/**/*.ts', 'main/deploy/**/*.ts'],
    ignores: [...SERVICE_CODE.map((p) => p.slice(2)), '**/*.test.ts'],
    rules: restrictedPaths(SERVICE_CODE.map((from) => ({ target: './main', from, message: `engine code never imports its service (${from}).` }))),
  },
  {
    files: CONNECTORS.map((c) => `main/connectors/${c}/**/*.ts`),
    // Tests and fixtures may start the demo plant or a workbench around a connector.
    ignores: ['**/*.test.ts', '**/*.fixture.ts', '**/fixtures/**'],
    rules: restrictedPaths([
      ...CONNECTORS.map((c) => ({
        target: `./main/connectors/${c}`,
        from: './main/connectors',
        except: [`./${c}`, ...CONNECTOR_SHARED],
        message: `a connector never imports another connector (main/connectors/${c} is one module; shared code goes to main/tags or beside the registry in main/connectors).`,
      })),
      {
        target: './main/connectors',
        from: ['./main/historian', './main/oee', './main/vision', './main/connections', './main/ipc', './main/simulator', './main/workbench.ts', './renderer'],
        message:
          'a connector never imports the historian, the connection manager, features or the UI (it gets what it needs through its config and callbacks).',
      },
    ]),
  },
  {
    files: ['e2e/**/*.ts'],
    rules: {
      ...restrictedPaths([
        { target: './e2e', from: ['./main', './renderer/src'], except: [], message: 'e2e drives the app as a person does, never its internals.' },
      ]),
    },
  },
  {
    files: ['**/*.test.ts', 'e2e/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
)
