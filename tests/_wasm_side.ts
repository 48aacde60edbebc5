/**
 * Hand-assembled GEMM side modules for the wasm child tests: kernels with
 * the real ones' signature that do something visible instead.
 */

/**
 * A wasm module: one function type (i32 x4) -> (), imports env.memory
 * (shared, at most 65535 pages, as the backend's memory is).
 */
export function sideModule(
  bodies: Record<string, number[]>,
): WebAssembly.Module {
  const str = (s: string) => [s.length, ...new TextEncoder().encode(s)];
  const section = (id: number, content: number[]) => [
    id,
    content.length,
    ...content,
  ];
  const names = Object.keys(bodies);
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 4, 0x7f, 0x7f, 0x7f, 0x7f, 0]),
    ...section(2, [
      1,
      ...str("env"),
      ...str("memory"),
      0x02,
      0x03,
      1,
      0xff,
      0xff,
      0x03,
    ]),
    ...section(3, [names.length, ...names.map(() => 0)]),
    ...section(7, [
      names.length,
      ...names.flatMap((n, i) => [...str(n), 0x00, i]),
    ]),
    ...section(10, [
      names.length,
      ...names.flatMap((n) => [bodies[n]!.length, ...bodies[n]!]),
    ]),
  ];
  return new WebAssembly.Module(new Uint8Array(bytes));
}
