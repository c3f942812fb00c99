// `npm run lint` (also a stage of `npm test`): catches bugs, not style — formatting is a separate,
// later step. typescript-eslint's recommended rules plus React's hooks rules.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      ".next/",
      "dist/",
      "lib/db/generated/",
      "test-results/",
      "playwright-report/",
      "data/",
      "next-env.d.ts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.tsx", "components/**/*.ts"],
    plugins: { "react-hooks": reactHooks },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "error" },
  },
  {
    files: ["**/*.mjs", "**/*.cjs"],
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        module: "writable",
        require: "readonly",
        Buffer: "readonly",
        URL: "readonly",
      },
    },
  },
  // Playwright fixtures take `({}, testInfo)` when they need no fixture: its documented idiom.
  { files: ["e2e/**/*.ts"], rules: { "no-empty-pattern": "off" } },
  {
    rules: {
      // The export formats and ingest strip or refuse control characters on purpose.
      "no-control-regex": "off",
      // `_name` marks a deliberately unused binding (destructuring a field away, an unused parameter).
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          caughtErrors: "none",
        },
      ],
      "no-empty": ["error", { allowEmptyCatch: true }],
    },
  },
);
