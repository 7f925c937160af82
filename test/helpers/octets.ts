// Loopback octets for tests. A local platform takes all of 127.N.0.0/16 and a test file running
// real processes takes a /24 in 127.N, so two test files running at once must never draw the same
// N: each vitest worker draws from its own band (VITEST_POOL_ID numbers the workers from 1), and a
// test file never draws the same octet twice. Below 20 stays free for a lab a developer runs beside
// the tests (its default octet is 10); 220 and up is the round tests', which run one at a time.
import { randomInt } from 'node:crypto';

const FIRST = 20;
const BAND = 40;
const BANDS = 5; // 20..219

const handedOut = new Set<number>();

/** An octet no other test file running at the same time can be given. */
export function testOctet(): number {
  const pool = Number(process.env.VITEST_POOL_ID ?? '1');
  const first = FIRST + (((Number.isInteger(pool) && pool > 0 ? pool : 1) - 1) % BANDS) * BAND;
  const free = Array.from({ length: BAND }, (_, i) => first + i).filter((n) => !handedOut.has(n));
  if (free.length === 0) throw new Error(`test worker ${pool} used all ${BAND} octets of its band`);
  const octet = free[randomInt(0, free.length)];
  handedOut.add(octet);
  return octet;
}

/** A 127.N.Y.0/24 for one test file's service processes, N from this worker's band. */
export function testSubnet(): string {
  return `127.${testOctet()}.${randomInt(0, 256)}`;
}
