import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'web-dist/',
      '.homedata/',
      'test-artifacts/',
      'bench/comunica/',
      'src/pod/css-app.generated.cjs',
      'src/pod/css-app-closed.generated.cjs',
      'src/pod/css-app-acp.generated.cjs',
      'src/pod/css-app-acp-closed.generated.cjs',
      'scratch/',
      '**/.scratch/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        {
          object: 'Math',
          property: 'random',
          message: 'Use an injected random source (CSPRNG in production).',
        },
      ],
    },
  },
  { files: ['src/web/**'], languageOptions: { globals: { ...globals.browser } } },
);
