// Numbers and dates as the pages print them: integers with thousands separators (bigints come
// from the API as decimal strings and stay exact), cents as dollars, instants in UTC.

export const units = (value: string | number | bigint): string => {
  const text = String(value);
  const negative = text.startsWith("-");
  const digits = negative ? text.slice(1) : text;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return negative ? `−${grouped}` : grouped;
};

export function dollars(cents: string | bigint): string {
  const value = BigInt(cents);
  const whole = value / 100n;
  const rest = (value < 0n ? -value : value) % 100n;
  return `$${units(whole)}.${rest.toString().padStart(2, "0")}`;
}

export const instant = (iso: string): string => iso.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC");

/** Whole percent of part / whole, rounded down; null when the whole is 0. */
export function percentOf(part: bigint, whole: bigint): number | null {
  if (whole <= 0n) return null;
  return Number((part * 100n) / whole);
}
