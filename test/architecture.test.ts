/**
 * Dependencies point inwards: `domain` and `projections` import only `contracts` (and zod or Node
 * built-ins); `contracts` imports nothing of ours. The compiler enforces the same through project
 * references; this test names the offending import when someone adds one.
 */
import t from 'tap';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);

const allowed: Record<string, { layers: string[]; packages: RegExp }> = {
  contracts: { layers: ['contracts'], packages: /^(zod|node:.*)$/ },
  domain: { layers: ['contracts', 'domain'], packages: /^(zod|node:crypto)$/ },
  projections: { layers: ['contracts', 'projections'], packages: /^(zod)$/ },
};

for (const [layer, rule] of Object.entries(allowed)) {
  t.test(`${layer} depends only on ${rule.layers.join(' and ')}`, async (t) => {
    let dir: string;
    try {
      dir = join(root, layer);
      statSync(dir);
    } catch {
      return t.pass(`${layer} has no sources yet`);
    }
    for (const file of sources(dir)) {
      for (const spec of importsOf(file)) {
        const where = `${relative(root, file)} imports ${spec}`;
        if (spec.startsWith('.')) {
          const target = relative(root, resolve(file, '..', spec)).split('/')[0]!;
          t.ok(rule.layers.includes(target), where);
        } else {
          t.match(spec, rule.packages, where);
        }
      }
    }
  });
}
