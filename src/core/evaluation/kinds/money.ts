// Money as the kinds show and compute it: integer cents, `US$1,234.56`, percentages rounded half
// up to the cent.

const safeCentsMax = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * `US$1,234.56`: dollars grouped by thousands (a loop, not a regex: it runs for every money
 * figure). Amounts up to 2⁵³ − 1 cents, every real one, are split with exact number arithmetic,
 * which costs far less than bigint division; larger ones with bigints.
 */
export const formatCents = (cents: bigint): string => {
  const sign = cents < 0n ? "-" : "";
  const abs = cents < 0n ? -cents : cents;
  let digits: string;
  let rest: number;
  if (abs <= safeCentsMax) {
    const amount = Number(abs);
    rest = amount % 100;
    digits = String((amount - rest) / 100);
  } else {
    digits = (abs / 100n).toString();
    rest = Number(abs % 100n);
  }
  let dollars = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let end = dollars.length + 3; end <= digits.length; end += 3)
    dollars += `,${digits.slice(end - 3, end)}`;
  return `${sign}US$${dollars}.${rest < 10 ? "0" : ""}${rest}`;
};

/** Round half up to the cent: the documented rounding of every percentage of money in Sluice. */
export const percentOfCents = (cents: bigint, percent: number): bigint =>
  (cents * BigInt(percent) + 50n) / 100n;
