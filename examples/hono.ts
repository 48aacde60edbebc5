/**
 * The example services as a Hono app, served by `Deno.serve` or
 * `Bun.serve` (whichever runtime runs it):
 *
 *     deno run --allow-ffi --allow-env --allow-read --allow-net examples/hono.ts
 *     bun examples/hono.ts
 *
 * @module
 */
import { Hono } from "hono";
import { createApp, env } from "./_app.ts";

const services = createApp();
const app = new Hono();
app.get("/health", (c) => c.text("ok"));
app.get("/ready", (c) => services.handle(c.req.raw));
app.get("/metrics", (c) => services.handle(c.req.raw));
app.post("/similar", (c) => services.handle(c.req.raw));
app.post("/score", (c) => services.handle(c.req.raw));

const port = env("PORT", 8000);
const g = globalThis as {
  Deno?: typeof Deno;
  Bun?: {
    serve(o: {
      port: number;
      hostname: string;
      fetch: (r: Request) => Response | Promise<Response>;
    }): { port: number };
  };
};
if (g.Bun) {
  const s = g.Bun.serve({ port, hostname: "127.0.0.1", fetch: app.fetch });
  console.log(`listening on http://127.0.0.1:${s.port}`);
} else {
  g.Deno!.serve({
    port,
    hostname: "127.0.0.1",
    onListen: ({ port }) =>
      console.log(`listening on http://127.0.0.1:${port}`),
  }, app.fetch);
}
