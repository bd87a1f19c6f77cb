// `serve` hardening (issue #15): CSP, nosniff, no-referrer on every answer, Allow on 405, and a Host check against
// DNS rebinding (a page whose own name resolves to 127.0.0.1 sends that name as Host and is refused).
import assert from "node:assert/strict";
import { request } from "node:http";
import { test } from "node:test";
import { startServer } from "../../src/serve/server.js";

function get(url: string, o: { host?: string; method?: string } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, path: "/", method: o.method ?? "GET", headers: o.host === undefined ? {} : { host: o.host } }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

test("serve: security headers on every answer, Allow on 405, Host checked (localhost names, --allow-host)", async () => {
  const server = await startServer({ port: 0, host: "127.0.0.1", allowHosts: ["demo.lab.example"] });
  try {
    const port = new URL(server.url).port;
    const ok = await get(server.url);
    assert.equal(ok.status, 200);
    assert.match(String(ok.headers["content-security-policy"]), /default-src 'self'.*script-src 'self' 'wasm-unsafe-eval'.*object-src 'none'.*frame-ancestors 'none'/);
    assert.equal(ok.headers["x-content-type-options"], "nosniff");
    assert.equal(ok.headers["referrer-policy"], "no-referrer");
    const post = await get(server.url, { method: "POST" });
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, "GET, HEAD");
    assert.equal(post.headers["x-content-type-options"], "nosniff");
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `demo.lab.example:${port}`, "LOCALHOST"]) {
      assert.equal((await get(server.url, { host })).status, 200, host);
    }
    for (const host of [`attacker.example:${port}`, "127.0.0.1.nip.io"]) {
      const r = await get(server.url, { host });
      assert.equal(r.status, 421, host);
      assert.match(String(r.headers["content-security-policy"]), /default-src/);
    }
  } finally {
    await server.close();
  }
});
