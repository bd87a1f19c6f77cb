#!/usr/bin/env node
// Import loops among the TypeScript files under a folder (default src/), type-only imports included: a loop makes
// the modules in it one unit in fact, whatever their file names say. Prints each loop; exits 1 when there is one.
// Used by test/imports.test.ts.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Relative imports and re-exports of one file, as absolute .ts paths. */
function importsOf(file) {
  const text = readFileSync(file, "utf8");
  const found = text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/g);
  return [...found].map((m) => resolve(dirname(file), m[1].replace(/\.js$/, ".ts")));
}

function tsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return p.endsWith(".ts") && !p.endsWith(".d.ts") ? [p] : [];
  });
}

/** The loops (strongly connected components of more than one file, or a file importing itself) under `dir`. */
export function importLoops(dir) {
  const root = resolve(dir);
  const files = tsFiles(root);
  const known = new Set(files);
  const edges = new Map(files.map((f) => [f, importsOf(f).filter((t) => known.has(t))]));
  // Tarjan's algorithm, iterative so that deep chains cannot overflow the stack.
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const loops = [];
  let next = 0;
  for (const start of files) {
    if (index.has(start)) continue;
    const work = [[start, 0]];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1];
      const [v, i] = top;
      const out = edges.get(v);
      if (i < out.length) {
        top[1]++;
        const w = out[i];
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent), low.get(v)));
      }
      if (low.get(v) !== index.get(v)) continue;
      const loop = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        loop.push(relative(root, w));
      } while (w !== v);
      if (loop.length > 1 || edges.get(v).includes(v)) loops.push(loop.sort());
    }
  }
  return loops;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const loops = importLoops(process.argv[2] ?? "src");
  for (const l of loops) console.log(`import loop: ${l.join(" ↔ ")}`);
  process.exitCode = loops.length > 0 ? 1 : 0;
}
