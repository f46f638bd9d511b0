// @ts-check
import eslint from '@eslint/js'
import comments from '@eslint-community/eslint-plugin-eslint-comments/configs'
import { defineConfig } from 'eslint/config'
import tseslint from 'typescript-eslint'

export default defineConfig(
  {
    ignores: ['dist/', 'artifacts/', 'src/ledger/contracts/generated/', 'reports/', '.deai/'],
  },
  eslint.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  comments.recommended,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          // The one TypeScript file outside tsconfig.json's include.
          allowDefaultProject: ['vitest.config.ts'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: {
      reportUnusedDisableDirectives: 'error',
    },
    rules: {
      // The project's requirements, stated even where the presets already set them.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      // Every exception to a rule says why.
      '@eslint-community/eslint-comments/require-description': ['error', { ignore: ['eslint-enable'] }],
      // A file-wide disable sits at the top of the file with its reason.
      '@eslint-community/eslint-comments/disable-enable-pair': ['error', { allowWholeFile: true }],
      // `const { epoch: _epoch, ...rest } = x` is how a field is left out.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      // An `async` function without `await` implements a Promise-returning interface and turns throws into rejections.
      '@typescript-eslint/require-await': 'off',
      // Its fixes change inferred generic types (viem's, TF.js's) and break the typecheck; 23 findings to review by hand.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
  {
    files: ['test/**', 'bench/**'],
    rules: {
      // Tests and benchmarks index the fixtures they built (`validators[0]!`); a wrong index fails the run where it is.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // The launcher imports the built dist/, which may not exist yet when linting.
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly' } },
  },
)
