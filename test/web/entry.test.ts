// The browser entry `ben19/browser`: the page reaches ben19 only through it (an import map in web/index.html that
// must name the file package.json exports), and its whole import graph is free of Node built-ins.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { PROJECT_ROOT } from "../helpers/env.js";

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*"([^"]+)"|import\("([^"]+)"\)/g;

/** Every specifier a module file imports or re-exports from (static and literal dynamic imports). */
function specifiers(file: string): string[] {
  return [...readFileSync(file, "utf8").matchAll(IMPORT)].map((m) => (m[1] ?? m[2]) as string);
}

test("web/ imports ben19 only as ben19/browser, which the import map resolves to package.json's export", () => {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { exports: Record<string, { default: string }> };
  const target = pkg.exports["./browser"]?.default;
  assert.equal(target, "./dist/browser.js");
  const html = readFileSync(join(PROJECT_ROOT, "web", "index.html"), "utf8");
  const map = /<script type="importmap">([^<]*)<\/script>/.exec(html);
  assert.ok(map !== null, "web/index.html has an import map");
  const imports = (JSON.parse(map[1] as string) as { imports: Record<string, string> }).imports;
  assert.equal(imports["ben19/browser"], target.slice(1));
  assert.ok(html.indexOf("importmap") < html.indexOf('type="module"'), "the import map precedes the first module script");
  for (const f of readdirSync(join(PROJECT_ROOT, "web")).filter((n) => n.endsWith(".js"))) {
    for (const s of specifiers(join(PROJECT_ROOT, "web", f))) {
      assert.ok(s === "ben19/browser" || s.startsWith("./"), `web/${f} imports ${s}`);
    }
  }
});

test("dist/browser.js and everything it imports use no Node built-in", () => {
  const seen = new Set<string>();
  const todo = [resolve(PROJECT_ROOT, "dist", "browser.js")];
  while (todo.length > 0) {
    const file = todo.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const s of specifiers(file)) {
      assert.ok(s.startsWith("./") || s.startsWith("../"), `${file} imports ${s}`);
      todo.push(resolve(dirname(file), s));
    }
  }
  assert.ok(seen.size > 10, `the graph holds ${seen.size} modules`);
  for (const f of seen) assert.ok(!f.includes(`${join("dist", "runtime")}`) && !f.includes(join("dist", "io")), f);
});
