// Wiring shared by the composition roots (src/main.ts, the CLI, tests and benches): the report
// service over a store, with the report key from SLUICE_REPORT_KEY_FILE or the data directory.
import { SqlReportStore } from "./adapters/db/reports/snapshot.ts";
import type { Store } from "./adapters/db/store.ts";
import {
  loadOrCreateReportKey,
  publicKeyPemOf,
  reportKeyPath,
  reportSigner,
} from "./adapters/keys/report-key.ts";
import { pdfRenderer } from "./adapters/pdf/report-pdf.ts";
import type { Clock } from "./app/reports/ports.ts";
import { ReportService } from "./app/reports/service.ts";

export function reportService(store: Store, clock: Clock, keyPath: string = reportKeyPath()): ReportService {
  return new ReportService({
    store: new SqlReportStore(store),
    signer: reportSigner(loadOrCreateReportKey(keyPath)),
    pdf: pdfRenderer,
    clock,
  });
}

/** The public key (PEM) of a key file, or of the report key in use when none is named. */
export const reportPublicKeyPem = (keyFile: string = reportKeyPath()): string => publicKeyPemOf(keyFile);
