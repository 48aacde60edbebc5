// The swap-race attacker (tests/loader_attack_test.ts): renames a fresh
// hard link of the attacker's library over `target` again and again, as
// fast as it can, until the file `stop` exists; prints "ready" after the
// first swap and, at the end, how many swaps it made.
//
//   <runtime> tests/_swap_attacker.ts <evil.so> <target> <stop>
import { existsSync, linkSync, renameSync, rmSync } from "node:fs";

const [evil, target, stop] = process.argv.slice(-3) as [string, string, string];
let swaps = 0;
let failed = 0;
const tmp = `${target}.attacker`;
while (!existsSync(stop)) {
  for (let i = 0; i < 200; i++) {
    try {
      // a rename onto the same inode leaves tmp in place: clear it first
      rmSync(tmp, { force: true });
      linkSync(evil, tmp);
      renameSync(tmp, target);
      if (swaps++ === 0) console.log("ready");
    } catch {
      failed++; // the folder refused us
      if (failed === 1 && swaps === 0) console.log("ready");
    }
  }
  await new Promise((r) => setTimeout(r, 0));
}
console.log(JSON.stringify({ swaps, failed }));
