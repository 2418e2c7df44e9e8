/**
 * Analyzer settings for `npm run analyze` and scripts/check-manifest.mjs.
 * `packagejson: false` because the analyzer otherwise rewrites package.json's
 * `customElements` field to wherever it was told to write (a temp dir in the check).
 */

/**
 * The elements register through `defineOnce(tag, Class)` (safe when the bundle loads
 * twice), which the analyzer does not know: record those calls as definitions, and drop
 * the bogus one it infers from the `customElements.define(tag, ctor)` inside defineOnce.
 */
function defineOncePlugin() {
  return {
    name: 'ecl-define-once',
    analyzePhase({ ts, node, moduleDoc }) {
      if (!ts.isCallExpression(node) || !ts.isIdentifier(node.expression) || node.expression.text !== 'defineOnce') return;
      const [tag, ctor] = node.arguments;
      if (!tag || !ctor || !ts.isStringLiteral(tag) || !ts.isIdentifier(ctor)) return;
      moduleDoc.exports ??= [];
      moduleDoc.exports.push({
        kind: 'custom-element-definition',
        name: tag.text,
        declaration: { name: ctor.text, module: moduleDoc.path },
      });
    },
    moduleLinkPhase({ moduleDoc }) {
      // A real tag always contains a hyphen; `tag` is defineOnce's parameter name.
      moduleDoc.exports = moduleDoc.exports?.filter((e) => e.kind !== 'custom-element-definition' || e.name.includes('-'));
    },
  };
}

export default {
  globs: ['src/elements/**/*.ts'],
  exclude: ['src/elements/**/*.test.ts'],
  litelement: true,
  packagejson: false,
  plugins: [defineOncePlugin()],
};
