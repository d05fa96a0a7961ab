// Country names as lists publish them → ISO 3166-1 alpha-2. Built from the runtime's CLDR region
// names (Intl.DisplayNames, no I/O) plus the spellings OFAC and the CSL use that CLDR does not.

const extraNames: Record<string, string> = {
  "czech republic": "CZ",
  "korea north": "KP",
  "north korea": "KP",
  "korea south": "KR",
  "south korea": "KR",
  "saint kitts and nevis": "KN",
  "saint vincent and the grenadines": "VC",
  "west bank": "PS",
  palestinian: "PS",
  "region gaza": "PS",
  "bosnia and herzegovina": "BA",
  turkey: "TR",
  "bahamas the": "BS",
  "the bahamas": "BS",
  "virgin islands british": "VG",
  "netherlands antilles": "AN",
  "congo democratic republic of the": "CD",
  "congo republic of the": "CG",
  burma: "MM",
  "hong kong": "HK",
  "the gambia": "GM",
  "cote d ivoire": "CI",
  "region northern mali": "ML",
  "region crimea": "UA",
  "trinidad and tobago": "TT",
  macau: "MO",
  macao: "MO",
  russia: "RU",
  "russian federation": "RU",
  china: "CN",
  "peoples republic of china": "CN",
  prc: "CN",
  taiwan: "TW",
  iran: "IR",
  syria: "SY",
  "united states": "US",
  usa: "US",
  "united kingdom": "GB",
  uk: "GB",
  "united arab emirates": "AE",
  uae: "AE",
};

const key = (name: string): string =>
  name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^a-z0-9]+/g, " ")
    .trim();

function buildCountryMap(): Map<string, string> {
  const map = new Map<string, string>();
  const names = new Intl.DisplayNames(["en"], { type: "region" });
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      let name: string | undefined;
      try {
        name = names.of(code);
      } catch {
        name = undefined;
      }
      // CLDR also names placeholder codes (ZZ Unknown Region, XA Pseudo-Accents): not countries.
      if (name !== undefined && name !== code && !/^(unknown|pseudo)/i.test(name)) map.set(key(name), code);
    }
  }
  for (const [name, code] of Object.entries(extraNames)) map.set(key(name), code);
  return map;
}

const countryByName = buildCountryMap();
const isoCodes = new Set(countryByName.values());

/** ISO alpha-2 for a published country name or code; undefined when unknown. */
export function countryCode(published: string): string | undefined {
  const trimmed = published.trim();
  if (/^[A-Za-z]{2}$/.test(trimmed) && isoCodes.has(trimmed.toUpperCase())) return trimmed.toUpperCase();
  return countryByName.get(key(trimmed));
}

/** True when `code` is a known ISO alpha-2 code (case-insensitive). */
export const isCountryCode = (code: string): boolean => isoCodes.has(code.toUpperCase());
