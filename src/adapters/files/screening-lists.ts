// The list files screening reads, from disk: the bundled lists and the organization lexicon under
// data/ (shipped with the code), and the list files a user imports or diffs by path. The app reads
// them through its ScreeningFiles port (src/app/screening/ports.ts); src/compose.ts wires this one.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ScreeningFiles } from "../../app/screening/ports.ts";

/** The repository's data/ directory: bundled lists in lists/, the lexicon in screening/. */
export const screeningDataDir = fileURLToPath(new URL("../../../data", import.meta.url));

/** The list files on disk, the bundled ones under `dataDir`. */
export const diskScreeningFiles = (dataDir: string = screeningDataDir): ScreeningFiles => ({
  read: (path) => readFileSync(path),
  dataDir,
});
