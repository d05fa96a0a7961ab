// What the evaluation use cases and their drivers need from outside: the reference data as parsed
// values. Where it comes from (the bundled files, src/adapters/files/reference-data.ts) is the
// composition root's choice; each is read on first use, so a command that needs neither reads neither.
import type { Rulebook } from "../../core/rulebook/schema.ts";
import type { Catalog } from "./catalog.ts";

export interface ReferenceSource {
  /** The product catalog. */
  catalog(): Catalog;
  /** The rulebook library, validated alone and together. */
  rulebooks(): readonly Rulebook[];
}
