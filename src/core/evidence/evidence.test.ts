// The evidence core: certificate signing and each check status, the seeded sample draw, the duty's
// rounding, prepayment totals and approval write-downs.
import { createHash, generateKeyPairSync as makeKeys } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../digest.ts";
import { checkWriteDown, remainingUnits } from "./approvals.ts";
import {
  type CertificateBody,
  certificateBody,
  certificateHash,
  keyIdOf,
  signCertificate,
} from "./certificate.ts";
import {
  type CertificateContext,
  certificateStatuses,
  checkCertificate,
  type LabEntry,
  readCertificate,
} from "./checks.ts";
import { dutyFor, dutyOwedCents, dutyReport, dutyWindows, dutyWindowsMax } from "./duty.ts";
import { draftCertificate } from "./issue.ts";
import { forfeitableCents, noPayments, paymentEvidence, prepaidShare } from "./payments.ts";
import { drawSample, sampleSizeFor, samplingSeed, serialInRanges, z14GeneralLevelII } from "./sampling.ts";

const labKeys = makeKeys("ed25519");
const otherKeys = makeKeys("ed25519");
const lab: LabEntry = {
  id: "lab-austin",
  name: "Austin Semiconductor Test Laboratory",
  headquartersCountry: "US",
  keyId: keyIdOf(labKeys.publicKey),
  key: labKeys.publicKey,
  qualifiedFrom: "2026-01-15",
};
const shipment = {
  id: "SHP-1",
  productId: "nvidia-h200-sxm",
  quantityUnits: 1000,
  serials: [{ prefix: "H200-", first: 1, last: 1000 }],
};
const rules: CertificateContext["rules"] = {
  testCountries: ["US"],
  labHeadquarters: ["US"],
  labControlForbidden: ["CN", "MO"],
  tppMax: 21000,
  dramBandwidthMaxGBs: 6500,
  declaredTolerancePercent: 5,
  samplingPlan: [...z14GeneralLevelII],
};
const context: CertificateContext = {
  at: "2026-02-01",
  lab,
  shipment,
  declared: { tpp: 15832, dramBandwidthGBs: 4800 },
  usedByShipmentId: null,
  rules,
};

function draft(overrides: Partial<CertificateBody> = {}): CertificateBody {
  const body = draftCertificate({
    id: "CERT-1",
    labId: lab.id,
    keyId: lab.keyId,
    shipment,
    nonce: "00112233445566778899aabbccddeeff",
    testCountry: "US",
    testedOn: "2026-01-29",
    measured: { denseTops: { fp8: 1979, fp16: 989.5 }, dramBandwidthGBs: 4800 },
    plan: rules.samplingPlan,
  });
  return { ...body, ...overrides };
}

function check(signed: unknown, overrides: Partial<CertificateContext> = {}) {
  const read = readCertificate(signed);
  if (read.status !== "ok") return { status: read.status, detail: read.detail };
  return checkCertificate(read, { ...context, ...overrides });
}

describe("certificate checks", () => {
  it("accepts a certificate drafted by the plan and signed by the lab", () => {
    const result = check(signCertificate(draft(), labKeys.privateKey));
    expect(result).toEqual({ status: "ok", detail: "certificate CERT-1 for shipment SHP-1 checks out" });
  });

  it("signs the RFC 8785 canonical body: key order does not matter, content does", () => {
    const body = draft();
    const reordered = Object.fromEntries(Object.entries(body).reverse()) as CertificateBody;
    expect(certificateBody(reordered)).toBe(certificateBody(body));
    expect(certificateBody(body).startsWith('{"format":"sluice-lab-certificate/1","id":"CERT-1"')).toBe(true);
    expect(certificateHash(body)).toMatch(/^[0-9a-f]{64}$/);
    const signed = signCertificate(body, labKeys.privateKey);
    expect(check({ certificate: reordered, signature: signed.signature }).status).toBe("ok");
  });

  it("gives each failure its own status, in precedence order", () => {
    const good = signCertificate(draft(), labKeys.privateKey);
    const cases: [string, unknown, Partial<CertificateContext>][] = [
      ["malformed", { certificate: { ...good.certificate, extra: 1 }, signature: good.signature }, {}],
      ["unknown_lab", good, { lab: undefined }],
      [
        "wrong_key",
        signCertificate(draft({ keyId: keyIdOf(otherKeys.publicKey) }), otherKeys.privateKey),
        {},
      ],
      ["bad_signature", signCertificate(draft(), otherKeys.privateKey), {}],
      ["certificate_reused", good, { usedByShipmentId: "SHP-0" }],
      ["shipment_mismatch", good, { shipment: { ...shipment, id: "SHP-2" } }],
      ["lab_not_us", good, { lab: { ...lab, headquartersCountry: "SG" } }],
      ["lab_not_independent", good, { lab: { ...lab, controlCountry: "CN" } }],
      ["lab_not_qualified", good, { lab: { ...lab, qualifiedFrom: "2026-01-30" } }],
      ["lab_revoked", good, { lab: { ...lab, revokedOn: "2026-02-01" } }],
      ["tested_outside_us", signCertificate(draft({ testCountry: "MX" }), labKeys.privateKey), {}],
      ["test_date_in_future", good, { at: "2026-01-28", lab: { ...lab, qualifiedFrom: "2026-01-01" } }],
      ["tpp_miscomputed", signCertificate(draft({ tpp: 15000 }), labKeys.privateKey), {}],
      [
        "measured_outside_box",
        signCertificate(
          draft({ measured: { denseTops: { fp8: 2625 }, dramBandwidthGBs: 4800 }, tpp: 21000 }),
          labKeys.privateKey,
        ),
        {},
      ],
      [
        "inconsistent_with_product",
        signCertificate(
          draft({ measured: { denseTops: { fp8: 1700 }, dramBandwidthGBs: 4800 }, tpp: 13600 }),
          labKeys.privateKey,
        ),
        {},
      ],
      ["lot_mismatch", signCertificate(draft({ lotUnits: 999 }), labKeys.privateKey), {}],
      [
        "sample_not_from_shipment",
        signCertificate(
          draft({ sampledSerials: ["H200-1001", ...draft().sampledSerials] }),
          labKeys.privateKey,
        ),
        {},
      ],
      [
        "sample_too_small",
        signCertificate(draft({ sampledSerials: draft().sampledSerials.slice(1) }), labKeys.privateKey),
        {},
      ],
      [
        "sample_not_by_plan",
        signCertificate(draft({ nonce: "ffffffffffffffffffffffffffffffff" }), labKeys.privateKey),
        {},
      ],
    ];
    const seen = cases.map(([expected, signed, overrides]) => {
      const result = check(signed, overrides);
      expect(result.status, `${expected}: ${result.detail}`).toBe(expected);
      return result.status;
    });
    expect(["ok", ...seen]).toEqual([...certificateStatuses]);
  });

  it("rejects the certificate when any single byte of its text changes", () => {
    const text = JSON.stringify(signCertificate(draft(), labKeys.privateKey));
    const statuses = new Set<string>();
    for (let i = 0; i < text.length; i += 7) {
      const code = text.charCodeAt(i);
      const changed = text.slice(0, i) + String.fromCharCode(code === 0x31 ? 0x32 : 0x31) + text.slice(i + 1);
      let parsed: unknown;
      try {
        parsed = JSON.parse(changed);
      } catch {
        statuses.add("unparseable");
        continue;
      }
      const status = check(parsed).status;
      expect(status, `byte ${i}`).not.toBe("ok");
      statuses.add(status);
    }
    expect(statuses.has("bad_signature")).toBe(true);
  });

  it("writes the RFC 8785 text canonicalJson writes, for any body (property)", () => {
    const text = fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 });
    const figure = fc.double({ min: 0.001, max: 1e6, noNaN: true });
    fc.assert(
      fc.property(
        fc.record({
          productId: text,
          sampledSerials: fc.array(text, { minLength: 1, maxLength: 30 }),
          testSite: fc.option(text, { nil: undefined }),
          denseTops: fc.record({ fp8: figure, fp16: figure, int8: figure }, { requiredKeys: ["fp8"] }),
          dramBandwidthGBs: figure,
          tpp: fc.integer({ min: 0, max: 1e9 }),
        }),
        (random) => {
          const { testSite, denseTops, dramBandwidthGBs, ...rest } = random;
          const body = {
            ...draft(),
            ...rest,
            ...(testSite === undefined ? {} : { testSite }),
            measured: { denseTops, dramBandwidthGBs },
          };
          expect(certificateBody(body)).toBe(canonicalJson(body));
          expect(readCertificate({ certificate: body, signature: "A".repeat(86) + "==" }).status).toBe("ok");
        },
      ),
      { numRuns: 300 },
    );
    const escapes = { ...draft(), testSite: 'quote " back \\ tab \t nul \u0000 é 😀 \u2028' };
    expect(certificateBody(escapes)).toBe(canonicalJson(escapes));
  });

  it("refuses a lone surrogate as malformed (RFC 8785 has no form for it), without throwing", () => {
    const good = signCertificate(draft(), labKeys.privateKey);
    const serials = [...good.certificate.sampledSerials];
    serials[3] = "H200-\ud800";
    expect(check({ ...good, certificate: { ...good.certificate, sampledSerials: serials } })).toMatchObject({
      status: "malformed",
      detail: expect.stringContaining(
        "at certificate.sampledSerials: each serial must be 1–160 characters and well-formed",
      ),
    });
    expect(check({ ...good, certificate: { ...good.certificate, testSite: "\udc00 lab" } })).toMatchObject({
      status: "malformed",
      detail: "at certificate.testSite: must be well-formed unicode (no lone surrogates)",
    });
  });

  it("reports the first bad path of a malformed certificate", () => {
    expect(check({ certificate: {}, signature: "x" })).toMatchObject({
      status: "malformed",
      detail: expect.stringMatching(/^at certificate\./),
    });
    expect(check("nope").status).toBe("malformed");
  });
});

describe("sampling", () => {
  it("uses the Z1.4 level II sizes, never more than the lot", () => {
    const plan = z14GeneralLevelII;
    expect(
      [1, 2, 8, 9, 500, 501, 1000, 1200, 1201, 500_000, 500_001].map((n) => sampleSizeFor(n, plan)),
    ).toEqual([1, 2, 2, 3, 50, 80, 80, 80, 125, 800, 1250]);
  });

  it("draws the same distinct serials for the same seed, other ones for another nonce", () => {
    const ranges = [
      { prefix: "A-", first: 10, last: 19 },
      { prefix: "B-", first: 1_000_000, last: 1_999_999 },
    ];
    const seed = samplingSeed("SHP-1", "00112233445566778899aabbccddeeff");
    const first = drawSample(ranges, 80, seed);
    expect(drawSample(ranges, 80, seed)).toEqual(first);
    expect(new Set(first).size).toBe(80);
    expect(first.every((serial) => serialInRanges(serial, ranges))).toBe(true);
    expect(drawSample(ranges, 80, samplingSeed("SHP-1", "ffffffffffffffffffffffffffffffff"))).not.toEqual(
      first,
    );
    expect(drawSample(ranges, 80, samplingSeed("SHP-2", "00112233445566778899aabbccddeeff"))).not.toEqual(
      first,
    );
    expect(drawSample([{ prefix: "X", first: 5, last: 7 }], 10, seed)).toEqual(["X5", "X6", "X7"]);
  });

  it("draws what it always drew: pinned digests of draws up to 5,000 serials, small lots and large", () => {
    // Computed before the draw's bookkeeping changed (set → bitset): issued certificates stay valid.
    const pinned: [lot: number, size: number, nonce: string, digest: string][] = [
      [1000, 80, "a", "858dcc0975f58ac5b0ab19c1d5461bc0"],
      [10, 10, "b", "f18e98173342ec372101f9f7df910a13"],
      [2_000_000, 1250, "c", "bde913cc331283af6fa22cb1537d78f1"],
      [5000, 5000, "d", "10efb88ede051d5c350d065bc78c188a"],
      [100_000, 512, "e", "9b2ae6dd07aa6e1043c18053861c51ce"],
      [100_000, 513, "f", "f46973c5a495a641f457b455d1edf082"],
      [600, 600, "g", "695512005f05f3324d8f7c2fc8473ae9"],
      [3, 1, "h", "8abf60b80a98901dee87198984a9e8d8"],
    ];
    const digests = pinned.map(([lot, size, nonce]) => {
      const ranges = [
        { prefix: "A-", first: 10, last: 19 },
        { prefix: "B-", first: 1, last: lot },
      ];
      const drawn = drawSample(ranges, size, samplingSeed(`SHP-${nonce}`, nonce.repeat(16)));
      return createHash("sha256").update(drawn.join("\n")).digest("hex").slice(0, 32);
    });
    expect(digests).toEqual(pinned.map(([, , , digest]) => digest));
  });

  it("issuer and checker agree: every drafted certificate passes the re-draw, on both draw paths", () => {
    for (const lot of [1, 7, 1000, 65_536, 65_537, 400_000]) {
      const lotShipment = {
        ...shipment,
        quantityUnits: lot,
        serials: [{ prefix: "H-", first: 5, last: 4 + lot }],
      };
      const body = draftCertificate({
        id: "CERT-L",
        labId: lab.id,
        keyId: lab.keyId,
        shipment: lotShipment,
        nonce: "0123456789abcdef",
        testCountry: "US",
        testedOn: "2026-01-29",
        measured: { denseTops: { fp8: 1979, fp16: 989.5 }, dramBandwidthGBs: 4800 },
        plan: rules.samplingPlan,
      });
      expect(body.sampledSerials.length).toBe(sampleSizeFor(lot, rules.samplingPlan));
      const result = check(signCertificate(body, labKeys.privateKey), { shipment: lotShipment });
      expect(result.status, `lot ${lot}`).toBe("ok");
    }
  });

  it("draws inside the ranges for any lot (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 200 }),
        fc.string(),
        (lot, size, nonce) => {
          const ranges = [{ prefix: "S", first: 7, last: 6 + lot }];
          const drawn = drawSample(ranges, size, samplingSeed("X", nonce));
          expect(drawn.length).toBe(Math.min(size, lot));
          expect(new Set(drawn).size).toBe(drawn.length);
          expect(drawn.every((serial) => serialInRanges(serial, ranges))).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("accepts only canonical serials of the ranges", () => {
    const ranges = [{ prefix: "H200-", first: 1, last: 1000 }];
    expect(serialInRanges("H200-1000", ranges)).toBe(true);
    expect(serialInRanges("H200-0017", ranges)).toBe(false);
    expect(serialInRanges("H200-1001", ranges)).toBe(false);
    expect(serialInRanges("H100-5", ranges)).toBe(false);
  });
});

describe("duty, payments, approvals", () => {
  it("rounds the 25 % duty half up to the cent", () => {
    expect(dutyOwedCents(2_000_000_000n, 25)).toBe(500_000_000n);
    expect(dutyOwedCents(2n, 25)).toBe(1n); // 0.5 cent rounds up
    expect(dutyOwedCents(1n, 25)).toBe(0n); // 0.25 cent rounds down
    expect(dutyOwedCents(3n, 25)).toBe(1n); // 0.75 cent rounds up
    expect(dutyFor({ enteredValueCents: 1000n }, { section232Band: 1 }, 25)).toEqual({
      band: 1,
      owedCents: 250n,
    });
    expect(dutyFor({ enteredValueCents: 1000n }, { section232Band: null }, 25)).toEqual({
      band: null,
      owedCents: 0n,
    });
    const exemption = { kind: "us-data-center" as const, certificateRef: "EUC-1" };
    expect(dutyFor({ enteredValueCents: 1000n, exemption }, { section232Band: 2 }, 25).owedCents).toBe(0n);
  });

  it("cuts a range into calendar windows, clipped, across a year end", () => {
    const spans = (by: Parameters<typeof dutyWindows>[2], from = "2025-11-20", to = "2026-02-03") =>
      dutyWindows(from, to, by).map((w) => `${w.from}..${w.to}`);
    expect(spans("month")).toEqual([
      "2025-11-20..2025-11-30",
      "2025-12-01..2025-12-31",
      "2026-01-01..2026-01-31",
      "2026-02-01..2026-02-03",
    ]);
    expect(spans("quarter")).toEqual(["2025-11-20..2025-12-31", "2026-01-01..2026-02-03"]);
    expect(spans("year")).toEqual(["2025-11-20..2025-12-31", "2026-01-01..2026-02-03"]);
    expect(spans("range")).toEqual(["2025-11-20..2026-02-03"]);
    expect(spans("month", "2024-02-01", "2024-02-29")).toEqual(["2024-02-01..2024-02-29"]);
    expect(dutyWindows("2000-01-01", "2026-01-01", "month").length).toBe(dutyWindowsMax + 1);
  });

  it("adds groups to their window and class: bands, exempt, outside both bands", () => {
    const group = (enteredOn: string, band: 1 | 2 | null, exempt: boolean, owed: bigint) => ({
      enteredOn,
      band,
      exempt,
      entries: 1,
      enteredValueCents: owed * 4n,
      dutyOwedCents: owed,
      dutyPaidCents: 1n,
    });
    const [window] = dutyReport(
      [{ from: "2026-01-01", to: "2026-01-31" }],
      [
        group("2026-01-02", 2, false, 5n),
        group("2026-01-03", 2, true, 0n),
        group("2026-01-04", null, false, 0n),
        group("2026-02-01", 1, false, 9n),
      ],
    );
    expect(window?.total).toEqual({
      entries: 3,
      enteredValueCents: 20n,
      dutyOwedCents: 5n,
      dutyPaidCents: 3n,
      outstandingCents: 2n,
    });
    expect(window?.bands.map((b) => b.sums.entries)).toEqual([0, 1]);
    expect([window?.exempt.entries, window?.outsideBands.entries]).toEqual([1, 1]);
  });

  it("counts prepayment in cash net of forfeitures", () => {
    const totals = { ...noPayments, invoicedCents: 10_000n, paidCents: 9_999n, collateralCents: 1n };
    expect(prepaidShare(totals, 10_000n)).toBe(9_999n);
    expect(prepaidShare({ ...totals, paidCents: 10_000n }, 10_000n)).toBe(10_000n);
    expect(forfeitableCents({ ...totals, forfeitedCents: 9_000n })).toBe(999n);
    expect(paymentEvidence({ ...totals, forfeitedCents: 9_999n })).toEqual({
      invoicedCents: "10000",
      paidCents: "0",
      collateralCents: "1",
    });
  });

  it("writes shipments down on an approval until it is exhausted", () => {
    const approval = {
      validFrom: "2026-01-28",
      validTo: "2026-12-31",
      approvedUnits: 1000,
      excludedSectors: ["military", "state-owned-enterprise"] as ("military" | "state-owned-enterprise")[],
    };
    expect(remainingUnits(approval, 400)).toBe(600);
    expect(checkWriteDown(approval, 400, 600, "2026-02-01", "cloud-provider")).toBe("ok");
    expect(checkWriteDown(approval, 400, 601, "2026-02-01", "cloud-provider")).toBe("approval_exhausted");
    expect(checkWriteDown(approval, 0, 1, "2026-02-01", "state-owned-enterprise")).toBe("end_user_excluded");
    expect(checkWriteDown(approval, 0, 1, "2026-01-27", undefined)).toBe("approval_not_yet_valid");
    expect(checkWriteDown(approval, 0, 1, "2027-01-01", undefined)).toBe("approval_expired");
  });
});
