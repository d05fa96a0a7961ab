// One buyer's chips at the labs when a test takes months (scenario `labs.leadMonths`): a batch sent
// for its test in month m comes out certified in month m + lead, then waits, certified, until it
// ships. First in, first out. Pure bookkeeping: run-set.ts decides what is sent and released.
import type { IsoDate } from "../shared.ts";

export interface LabBatch {
  /** The day of the test (the certificate's date). */
  testedOn: IsoDate;
  /** Index of the month in which the test's result is out and the batch may ship. */
  readyMonth: number;
  units: number;
}

export class LabQueue {
  private readonly inTest: LabBatch[] = [];
  private readonly certified: LabBatch[] = [];

  send(batch: LabBatch): void {
    if (batch.units > 0) this.inTest.push(batch);
  }

  /** Moves the batches whose test is out by month `m` to the certified ones. */
  collect(m: number): void {
    while (this.inTest.length > 0 && (this.inTest[0] as LabBatch).readyMonth <= m)
      this.certified.push(this.inTest.shift() as LabBatch);
  }

  /** Units sent for a test whose result is not out yet. */
  get waitingUnits(): number {
    return this.inTest.reduce((sum, batch) => sum + batch.units, 0);
  }

  get certifiedUnits(): number {
    return this.certified.reduce((sum, batch) => sum + batch.units, 0);
  }

  /** The test day of the oldest certified batch (the one a release takes first), or null. */
  get oldestCertifiedOn(): IsoDate | null {
    return this.certified[0]?.testedOn ?? null;
  }

  /** Takes `units` certified units for a release, oldest first. */
  take(units: number): void {
    let left = units;
    while (left > 0) {
      const batch = this.certified[0];
      if (!batch) throw new Error(`took ${units} certified units, ${units - left} were there`);
      const used = Math.min(left, batch.units);
      batch.units -= used;
      left -= used;
      if (batch.units === 0) this.certified.shift();
    }
  }
}
