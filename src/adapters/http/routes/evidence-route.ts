// What the evidence routes share: their route declaration (statuses and descriptions) and the
// plain-JSON form of a use case's answer (bigints as decimal strings).
import { toJsonText } from "../json.ts";
import { actionRoutes } from "./define.ts";

export const route = actionRoutes(
  "evidence",
  { ok: "on file already (a replay), or the record", created: "recorded" },
  {
    404: "not found (or not yours)",
    409: "refused: the problem's code is the status (nothing was written)",
    412: "If-Match names a version the lab is no longer at (the answer's ETag is the current one)",
  },
);

export const plain = (value: unknown): unknown => JSON.parse(toJsonText(value));
