/**
 * The example services on `Bun.serve`:
 *
 *     bun examples/bun_serve.ts
 *
 * @module
 */
import { createApp, env } from "./_app.ts";

declare const Bun: {
  serve(options: {
    port: number;
    hostname: string;
    fetch(req: Request): Promise<Response>;
  }): { port: number; stop(): void };
};
declare const process: {
  on(sig: string, fn: () => void): void;
  exit(code: number): never;
};

const app = createApp();
const server = Bun.serve({
  port: env("PORT", 8000),
  hostname: "127.0.0.1",
  fetch: app.handle,
});
console.log(`listening on http://127.0.0.1:${server.port}`);
process.on("SIGTERM", async () => {
  server.stop();
  await app.engine.close();
  process.exit(0);
});
