// ESLint for the service's JavaScript: the pages' modules, the service worker (a Jinja
// template) and the unit tests. `make lint-js` runs it with the tools that
// tests/tools/package.json pins, so the plugins are loaded from there.
import { createRequire } from "node:module";

const require = createRequire(new URL("./tests/tools/package.json", import.meta.url));
const js = require("@eslint/js");
const globals = require("globals");

// The service worker is rendered by Jinja: its {{ ... }} become values before it is linted.
const jinja = {
  processors: {
    template: {
      preprocess: (text) => [text.replace(/\{\{.*?\}\}/g, "null")],
      postprocess: (messages) => messages.flat(),
      supportsAutofix: false,
    },
  },
};

const rules = {
  ...js.configs.recommended.rules,
  // An error caught and dropped must say why in a comment (see the pages' catch blocks).
  "no-empty": ["error", { allowEmptyCatch: false }],
  "no-unused-vars": ["error", { args: "after-used", caughtErrors: "none", ignoreRestSiblings: true }],
  // Nor may a promise's failure vanish in an empty handler: say it, or say in a comment why not.
  "no-restricted-syntax": ["error", {
    selector: "CallExpression[callee.property.name='catch'] > :function[body.type='BlockStatement'][body.body.length=0]",
    message: "An empty .catch() swallows the error: show it to the user (say, showProblem) or explain why not.",
  }],
  eqeqeq: ["error", "always"],
  "no-var": "error",
  "prefer-const": "error",
};

export default [
  { ignores: [".venv/**", "**/node_modules/**", "build/**"] },
  {
    files: ["inspection/web/static/js/**/*.js"],
    languageOptions: { ecmaVersion: 2024, sourceType: "module", globals: { ...globals.browser } },
    rules,
  },
  {
    files: ["inspection/web/templates/web/sw.js"],
    plugins: { jinja },
    processor: "jinja/template",
    languageOptions: { ecmaVersion: 2024, sourceType: "script", globals: { ...globals.serviceworker } },
    rules,
  },
  {
    files: ["tests/js/**/*.js", "eslint.config.js"],
    languageOptions: { ecmaVersion: 2024, sourceType: "module", globals: { ...globals.node } },
    rules,
  },
];
