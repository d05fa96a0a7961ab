// The simulation's screener: a simulated party screened against an index's lists (the bundled
// lists' index from the wiring, as the store's screener uses when no lists were imported). (The
// scenario and rulebook files are read by src/adapters/files/simulation-files.ts.)
import type { ScreeningIndex } from "../../core/screening/name-index.ts";
import { screen } from "../screening/lists.ts";
import type { SimulationScreener } from "./ports.ts";

/** Screens a party against an index's lists; open hits stay open (no reviewer in a simulation). */
export const screenerOn =
  (index: () => ScreeningIndex): SimulationScreener =>
  (party) => {
    const result = screen(index(), party.name, { country: party.country });
    return {
      screenedOn: party.on,
      listVersions: result.listVersions.map((v) => ({
        listId: v.listId,
        version: v.contentHash.slice(0, 16),
      })),
      hits: result.hits.map((hit) => ({
        party: "consignee" as const,
        listId: hit.listId,
        entryId: hit.entryId,
        name: hit.name,
        score: hit.score,
        explanation: hit.explanation.summary,
      })),
    };
  };
