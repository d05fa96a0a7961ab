// The simulation's screener: a simulated party screened against an index's lists, and the default
// one on the bundled lists, as the store's screener uses when no lists were imported. (The scenario
// and rulebook files are read by src/adapters/files/simulation-files.ts.)
import type { ScreeningIndex } from "../../core/screening/name-index.ts";
import { bundledIndex, screen } from "../screening.ts";
import type { SimulationScreener } from "./ports.ts";

/** Screens a party against an index's lists; open hits stay open (no reviewer in a simulation). */
export const screenerOn =
  (index: () => ScreeningIndex): SimulationScreener =>
  (party) => {
    const result = screen(party.name, { country: party.country }, index());
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

/** The bundled lists, as the store's screener uses when no lists were imported. */
export const bundledScreener: SimulationScreener = screenerOn(() => bundledIndex());
