/**
 * Every translation, found by its path: `<language>/<namespace>.ts`, default-exporting the
 * namespace's messages. An area of the app adds its words by adding a file per language.
 */
type Resources = Record<string, Record<string, object>>;

const files = import.meta.glob<{ default: object }>('./*/*.ts', { eager: true });

export const RESOURCES: Resources = {};
for (const [path, module] of Object.entries(files)) {
  const [, language, namespace] = /^\.\/([^/]+)\/([^/]+)\.ts$/.exec(path) ?? [];
  if (!language || !namespace) continue;
  (RESOURCES[language] ??= {})[namespace] = module.default;
}
