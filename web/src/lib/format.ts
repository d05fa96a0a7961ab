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

/** How long ago `iso` was, at `nowMs`, in the largest whole unit (seconds to days). */
export function age(iso: string, nowMs: number): string {
  const seconds = Math.max(0, Math.floor((nowMs - Date.parse(iso)) / 1000));
  const steps: [number, string][] = [
    [86_400, "day"],
    [3_600, "hour"],
    [60, "minute"],
  ];
  for (const [size, name] of steps) {
    const n = Math.floor(seconds / size);
    if (n >= 1) return `${units(n)} ${name}${n === 1 ? "" : "s"} ago`;
  }
  return `${seconds} second${seconds === 1 ? "" : "s"} ago`;
}
