// The shipment path as data: parties, orders, applications, licences and shipments, their closed
// status lists and the transitions allowed between them, the replay rule for client-supplied ids,
// and serial ranges. Pure: the store applies what these functions allow.
import { z } from "zod";
import { partySchema, purposes } from "../dossier/schema.ts";
import { centsSchema, countrySchema, isoDateSchema, unitsSchema } from "../shared.ts";

const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, "expected 1–128 letters, digits, `.`, `_`, `:` or `-`");

/** A party as stored: the dossier's party with a required client-supplied id. */
export const partyInputSchema = partySchema.extend({ id: idSchema });
export type PartyInput = z.output<typeof partyInputSchema>;

/**
 * Named maximums of an order (issue #13), checked when written, not first at release: ten million
 * units is forty times the US end-use shipments of the January 2026 story, and a trillion dollars
 * is far above any one order; both keep every sum of orders inside a bigint.
 */
export const orderQuantityUnitsMax = 10_000_000;
export const orderValueCentsMax = 100_000_000_000_000n;

export const orderInputSchema = z.strictObject({
  id: idSchema,
  productId: z.string().min(1),
  quantityUnits: unitsSchema.max(orderQuantityUnitsMax, `expected at most ${orderQuantityUnitsMax} units`),
  valueCents: centsSchema.refine((cents) => cents <= orderValueCentsMax, {
    message: `expected at most ${orderValueCentsMax} cents`,
  }),
  exporterId: idSchema,
  consigneeId: idSchema,
  endUserId: idSchema,
  route: z.strictObject({ origin: countrySchema, exportFrom: countrySchema, destination: countrySchema }),
  endUse: z.strictObject({ purpose: z.enum(purposes), description: z.string().optional() }),
  usShippedUnits: z.number().int().nonnegative().optional(),
});
export type OrderInput = z.output<typeof orderInputSchema>;

/** A contiguous run of serial numbers `prefix` + zero-padded number, both ends included. */
export const serialRangeSchema = z
  .strictObject({
    prefix: z.string().min(1).max(32),
    first: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    last: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  })
  .refine((range) => range.first <= range.last, { message: "`first` must not exceed `last`" });
export type SerialRange = z.output<typeof serialRangeSchema>;

export const shipmentInputSchema = z.strictObject({
  id: idSchema,
  orderId: idSchema,
  quantityUnits: unitsSchema.max(orderQuantityUnitsMax, `expected at most ${orderQuantityUnitsMax} units`),
  serials: z.array(serialRangeSchema).min(1).max(1000),
  plannedOn: isoDateSchema.optional(),
});
export type ShipmentInput = z.output<typeof shipmentInputSchema>;

export const licenceInputSchema = z.strictObject({
  id: idSchema,
  applicationId: idSchema,
  grantedUnits: unitsSchema.optional(),
  grantedValueCents: centsSchema.optional(),
  expiresOn: isoDateSchema,
  conditions: z.array(z.string().min(1)).default([]),
});
export type LicenceInput = z.output<typeof licenceInputSchema>;

/** Order statuses, in the order an order moves through them. */
export const orderStatuses = ["created", "held", "denied", "approved", "licensed"] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/** Shipment statuses: planned → released (quota reserved) → shipped (posted); or cancelled/expired. */
export const shipmentStatuses = ["planned", "released", "shipped", "cancelled", "expired"] as const;
export type ShipmentStatus = (typeof shipmentStatuses)[number];

export const shipmentActions = {
  release: { from: ["planned", "expired"], to: "released" },
  ship: { from: ["released"], to: "shipped" },
  cancel: { from: ["planned", "released", "expired"], to: "cancelled" },
  expire: { from: ["released"], to: "expired" },
  /** A release undone (e.g. its lab was revoked): quota voided, licence restored, back to planned. */
  revert: { from: ["released"], to: "planned" },
} as const satisfies Record<string, { from: readonly ShipmentStatus[]; to: ShipmentStatus }>;
export type ShipmentAction = keyof typeof shipmentActions;

export const orderActions = {
  apply: { from: ["created", "held", "approved"], to: null },
  license: { from: ["approved"], to: "licensed" },
} as const satisfies Record<string, { from: readonly OrderStatus[]; to: OrderStatus | null }>;
export type OrderAction = keyof typeof orderActions;

export type TransitionResult<S> =
  | { status: "ok"; next: S }
  | { status: "illegal_transition"; from: S; action: string };

/** Whether `action` may move a shipment in `current`, and to which status. */
export function shipmentTransition(
  current: ShipmentStatus,
  action: ShipmentAction,
): TransitionResult<ShipmentStatus> {
  const rule = shipmentActions[action];
  return (rule.from as readonly ShipmentStatus[]).includes(current)
    ? { status: "ok", next: rule.to }
    : { status: "illegal_transition", from: current, action };
}

export function orderAllows(current: OrderStatus, action: OrderAction): boolean {
  return (orderActions[action].from as readonly OrderStatus[]).includes(current);
}

/** The order's status after a decision: approve/hold/deny map onto approved/held/denied. */
export const orderStatusAfter = {
  approve: "approved",
  hold: "held",
  deny: "denied",
} as const satisfies Record<string, OrderStatus>;

/**
 * Replaying a create with a client-supplied id: the same fields → `exists`; otherwise
 * `exists_with_different_<field>` naming the first differing field, in the order given.
 */
export function compareReplay(
  stored: Record<string, unknown>,
  incoming: Record<string, unknown>,
  fields: readonly string[],
): "exists" | `exists_with_different_${string}` {
  for (const field of fields) {
    if (stableText(stored[field]) !== stableText(incoming[field]))
      return `exists_with_different_${snake(field)}`;
  }
  return "exists";
}

const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function stableText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "bigint") return v.toString();
    if (v && typeof v === "object" && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)));
    }
    return v;
  });
}

export const serialCount = (ranges: readonly SerialRange[]): number =>
  ranges.reduce((sum, range) => sum + (range.last - range.first + 1), 0);

/** The first pair of ranges that share a serial number, or null. */
export function overlappingRanges(ranges: readonly SerialRange[]): [SerialRange, SerialRange] | null {
  const sorted = [...ranges].sort((a, b) => a.prefix.localeCompare(b.prefix) || a.first - b.first);
  for (let i = 1; i < sorted.length; i += 1) {
    const previous = sorted[i - 1];
    const current = sorted[i];
    if (previous && current && previous.prefix === current.prefix && current.first <= previous.last) {
      return [previous, current];
    }
  }
  return null;
}

export const formatRange = (range: SerialRange): string =>
  `${range.prefix}${range.first}–${range.prefix}${range.last}`;
