/**
 * deploy/ agrees with the service it deploys: the probes hit routes the
 * example app serves, the HPA's metric is a gauge the engine exports under
 * the default prefix, and every environment variable the manifest or the
 * Dockerfile sets is one the app reads. (Schema validation of the
 * manifests is `scripts/check_deploy.sh`, run by CI.)
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import * as rp from "../mod.ts";
import { test } from "./_shim.ts";

const root = decodeURIComponent(new URL("../", import.meta.url).pathname);
const read = (f: string) => readFile(root + f, "utf8");

test("deploy: probes, the HPA metric and the environment match the example app", async () => {
  const app = await read("examples/_app.ts") +
    await read("examples/deno_serve.ts");
  const dep = await read("deploy/k8s/deployment.yaml");
  const hpa = await read("deploy/k8s/hpa.yaml");
  const adapter = await read("deploy/k8s/prometheus-adapter.yaml");
  const docker = await read("deploy/Dockerfile");

  const probePaths = [...dep.matchAll(/^\s+path: (\/\S+)/gm)].map((m) => m[1]!);
  assert.deepEqual(probePaths.sort(), ["/health", "/ready"]);
  for (const p of probePaths) {
    assert.ok(app.includes(`path === "${p}"`), `the app serves no ${p}`);
  }

  const metric = /metric:\s*\n\s*name: (\S+)/.exec(hpa)![1]!;
  assert.ok(adapter.includes(`as: "${metric}"`), "the adapter rule differs");
  const e = new rp.Engine({ threads: 1 });
  try {
    const text = e.prometheus();
    assert.match(text, new RegExp(`^# TYPE ${metric} gauge$`, "m"));
  } finally {
    await e.close();
  }

  const read_ = new Set(
    [...app.matchAll(/env\("([A-Z_]+)"/g)].map((m) => m[1]!),
  );
  const set = [
    ...[...dep.matchAll(/- name: ([A-Z_]+)\n\s*value:/g)].map((m) => m[1]!),
    ...(/^ENV (.*)$/m.exec(docker)![1]!.split(/\s+/).map((kv) =>
      kv.split("=")[0]!
    )),
  ];
  assert.ok(set.length >= 5);
  for (const v of set) assert.ok(read_.has(v), `the app does not read ${v}`);
  // and the container starts the script the Dockerfile copies
  assert.match(docker, /"examples\/deno_serve\.ts"\]$/m);
});
