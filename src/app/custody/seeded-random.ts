// A seeded random source (xoroshiro128+ from pure-rand): the same seed gives the same fleet, the same
// keys and the same heartbeats, so a simulated run can be replayed by its seed. Simulation only:
// never for real nonces or keys.
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { FleetRandom } from "./fleet.ts";

export function seededRandom(seed: number): FleetRandom {
  const generator = xoroshiro128plus(seed);
  return {
    float: () => uniformFloat64(generator),
    bytes(count) {
      const out = new Uint8Array(count);
      for (let i = 0; i < count; i += 4) {
        const word = generator.next() >>> 0;
        for (let j = 0; j < 4 && i + j < count; j++) out[i + j] = (word >>> (8 * j)) & 0xff;
      }
      return out;
    },
  };
}
