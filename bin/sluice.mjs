#!/usr/bin/env node
// Entry point for `npx sluice`: runs the TypeScript CLI through tsx (Node 20 cannot run .ts itself).
import { register } from "tsx/esm/api";

register();
await import("../src/adapters/cli/main.ts");
