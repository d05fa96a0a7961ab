// Client-supplied ids of evidence records: the same alphabet as the shipment path's ids.
import { z } from "zod";

export const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, "expected 1–128 letters, digits, `.`, `_`, `:` or `-`");
