import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { projectRoot } from '../../src/lib/assets.js';

/**
 * Every module of src/ and views/ with the modules of src/ and views/ it imports, as the
 * compiler resolves them: `import type` and `export … from` included (a type-only cycle still
 * ties two modules together for a reader and for the next refactor).
 */
function importGraph(root: string): Map<string, string[]> {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
    );
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    jsx: ts.JsxEmit.ReactJSX,
  };
  const ours = (file: string) => /^(src|views)\//.test(file);
  const graph = new Map<string, string[]>();
  for (const file of [...walk(join(root, 'src')), ...walk(join(root, 'views'))]) {
    const imported = ts
      .preProcessFile(readFileSync(file, 'utf8'), true, true)
      .importedFiles.map((i) => ts.resolveModuleName(i.fileName, file, options, ts.sys).resolvedModule)
      .filter((m): m is ts.ResolvedModuleFull => !!m && !m.isExternalLibraryImport)
      .map((m) => relative(root, m.resolvedFileName).split(sep).join('/'))
      .filter(ours);
    graph.set(relative(root, file).split(sep).join('/'), [...new Set(imported)]);
  }
  return graph;
}

/** The strongly connected components of more than one module (or a module importing itself): Tarjan's algorithm. */
function stronglyConnected(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)!.includes(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** One cycle through a component's first module, as a path a reader can follow: "a → b → a". */
function cycleThrough(graph: Map<string, string[]>, component: string[]): string {
  const inside = new Set(component);
  const start = component[0];
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of graph.get(v)!.filter((x) => inside.has(x))) {
      if (w === start) {
        const path = [start];
        for (let u: string | undefined = v; u !== undefined && u !== start; u = cameFrom.get(u)) path.splice(1, 0, u);
        return [...path, start].join(' → ');
      }
      if (!cameFrom.has(w)) {
        cameFrom.set(w, v);
        queue.push(w);
      }
    }
  }
  return component.join(', ');
}

const root = projectRoot();
const graph = importGraph(root);

describe('imports', () => {
  it('no module of src/ or views/ imports itself through others (type-only imports included)', () => {
    const cycles = stronglyConnected(graph).map(
      (c) => `${cycleThrough(graph, c)}${c.length > 2 ? `  (${c.length} modules: ${c.join(', ')})` : ''}`,
    );
    expect(cycles).toEqual([]);
  });

  it('nothing in src/lib imports a feature of src/ or a view', () => {
    const reaching = [...graph]
      .filter(([file]) => file.startsWith('src/lib/'))
      .flatMap(([file, imports]) =>
        imports.filter((i) => i.startsWith('views/') || /^src\/(?!lib\/)[^/]+\//.test(i)).map((i) => `${file} → ${i}`),
      );
    expect(reaching).toEqual([]);
  });

  it('the graph is read: app.ts reaches the features and a view reaches lib', () => {
    expect(graph.get('src/app.ts')).toContain('src/bookings/routes.tsx');
    expect(graph.get('src/lib/env.ts')?.length).toBeGreaterThan(0);
    expect([...graph.keys()].filter((f) => f.startsWith('views/')).length).toBeGreaterThan(10);
  });
});
