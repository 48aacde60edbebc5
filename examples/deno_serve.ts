/**
 * The example services on `Deno.serve`:
 *
 *     deno run --allow-ffi --allow-env --allow-read --allow-net examples/deno_serve.ts
 *
 * @module
 */
import { createApp, env } from "./_app.ts";

const app = createApp();
const server = Deno.serve(
  {
    port: env("PORT", 8000),
    hostname: "127.0.0.1",
    onListen: ({ port }) =>
      console.log(`listening on http://127.0.0.1:${port}`),
  },
  app.handle,
);
Deno.addSignalListener("SIGTERM", async () => {
  await server.shutdown();
  await app.engine.close();
  Deno.exit(0);
});
