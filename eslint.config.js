// ESLint flat config: typescript-eslint's recommended rules everywhere, the two classic React
// hooks rules for the web app. `pnpm lint` runs it; `pnpm test` runs lint first, so CI does too.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.data/**', '**/test-artifacts/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // a leading underscore marks a value left out on purpose (rest-destructuring, unused handler args)
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Rows come back from knex untyped; repositories map them to typed records at the boundary,
    // and tests read untyped JSON answers. Everywhere else `any` is refused.
    files: ['packages/runtime/src/store/**/*.ts', '**/test/**/*.ts', '**/*.test.ts', '**/bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Routes are thin: parse, call a domain function or repository, answer. SQL and
    // transactions live in store/ and the services (docs/architecture.md).
    files: ['packages/runtime/src/api/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'knex', message: 'SQL belongs in store/: call a repository or a service' }] }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='transaction']",
          message: 'A route opens no transaction: put the work in a store/ function or a service that opens it',
        },
        // the handler's `ctx.db` is a knex instance (typed `Db`, so importing knex is not needed
        // to query it): calling it, or its raw(), is SQL in a route
        {
          selector: "CallExpression[callee.property.name='raw']",
          message: 'SQL belongs in store/: call a repository (tenant scoping: store/tenantScope.ts)',
        },
        {
          selector: 'CallExpression[callee.property.name=/^(db|trx)$/], CallExpression[callee.name=/^(db|trx)$/]',
          message: 'A route queries no table: call a repository in store/',
        },
      ],
    },
  },
  {
    // The classic hooks rules. The React Compiler rules of eslint-plugin-react-hooks 7
    // (set-state-in-effect, refs, ...) are for code compiled by the React Compiler, which the
    // web app does not use.
    files: ['packages/designer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  // The workspace's inbox and case pages never import each other; what both use lives in
  // designer/src/workspace/ (docs/architecture.md).
  {
    files: ['packages/designer/src/inbox/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/cases/*'], message: 'inbox/ does not import cases/: move what both use to workspace/' }] }],
    },
  },
  {
    files: ['packages/designer/src/cases/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/inbox/*'], message: 'cases/ does not import inbox/: move what both use to workspace/' }] }],
    },
  },
);
