// The pure parts of reports: the cap's daily status (ok, tight, blocked) from movements, exact
// percentages, RFC 4180 CSV (quotes, commas, line breaks, CRLF, BOM), and detached signatures.
import { generateKeyPairSync, sign } from "node:crypto";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { capDayStatus, capReport, dailyBalances } from "./cap.ts";
import { reportCsv } from "./csv.ts";
import { daysOf, percentText, type Report } from "./model.ts";
import { reportKeyIdOf, signatureText, verifyReport } from "./signature.ts";

const window = { from: "2026-02-01", to: "2026-02-05" };

describe("cap report", () => {
  it("classifies a day by the headroom left (integers, as the ledger's CHECK counts)", () => {
    expect(capDayStatus(50, 1000n, 449n)).toBe("ok"); // 51 left of 500: over 10 %
    expect(capDayStatus(50, 1000n, 451n)).toBe("tight"); // 49 left
    expect(capDayStatus(50, 1000n, 500n)).toBe("tight"); // none left, not over
    expect(capDayStatus(50, 1000n, 450n)).toBe("ok"); // exactly 10 % left
    expect(capDayStatus(50, 1000n, 501n)).toBe("blocked");
    expect(capDayStatus(50, 0n, 0n)).toBe("ok"); // nothing allowed and nothing asked (before any US volume)
    expect(capDayStatus(50, 0n, 1n)).toBe("blocked");
  });

  it("carries balances from before the window and lists the tight and blocked days", () => {
    const account = "units/product:p/since:2026-01-15";
    const movements = [
      { accountId: account, day: "2026-01-20", dUsPosted: 1000n, dCnPending: 0n, dCnPosted: 0n },
      { accountId: account, day: "2026-02-02", dUsPosted: 0n, dCnPending: 460n, dCnPosted: 0n },
      { accountId: account, day: "2026-02-04", dUsPosted: -100n, dCnPending: 0n, dCnPosted: 0n },
    ];
    expect(dailyBalances(movements, window).map((d) => [d.day, d.usPosted, d.cnTotal])).toEqual([
      ["2026-02-01", 1000n, 0n],
      ["2026-02-02", 1000n, 460n],
      ["2026-02-03", 1000n, 460n],
      ["2026-02-04", 900n, 460n],
      ["2026-02-05", 900n, 460n],
    ]);
    const body = capReport(
      {
        accounts: [{ accountId: account, ratioPercent: 50, usPosted: 900n, cnPending: 460n, cnPosted: 0n }],
        movementDays: movements,
        exporters: [],
      },
      window,
    );
    const days = body.tables.find((t) => t.id === "days")?.rows;
    expect(days?.map((r) => [r[1], r[6]])).toEqual([
      ["2026-02-02", "tight"],
      ["2026-02-03", "tight"],
      ["2026-02-04", "blocked"],
      ["2026-02-05", "blocked"],
    ]);
    expect(body.tables[0]?.rows[0]).toEqual([account, 50, 900n, 460n, 0n, "51.11", -10n, "blocked"]);
    expect(body.chart?.series.map((s) => s.values)).toEqual([
      [500, 500, 500, 450, 450],
      [0, 460, 460, 460, 460],
    ]);
  });

  it("counts days across months and leap days", () => {
    expect(daysOf({ from: "2028-02-28", to: "2028-03-01" })).toEqual([
      "2028-02-28",
      "2028-02-29",
      "2028-03-01",
    ]);
  });

  it("writes percentages exactly, rounded down to hundredths", () => {
    expect(percentText(1n, 3n)).toBe("33.33");
    expect(percentText(2n, 3n)).toBe("66.66");
    expect(percentText(5n, 1n)).toBe("500.00");
    expect(percentText(-1n, 8n)).toBe("-12.50");
    expect(percentText(1n, 0n)).toBe("");
  });
});

const sample: Report = {
  format: "sluice-report/1",
  kind: "decisions",
  title: "t",
  window,
  closed: true,
  issuer: { principalId: "tok-1", role: "auditor" },
  issuedAt: "2026-03-01T00:00:00.000Z",
  checkpoint: { origin: "o", size: 3, rootHash: "AAAA", note: "n" },
  tables: [
    {
      id: "decisions",
      title: "d",
      columns: [
        { key: "id", title: "Id" },
        { key: "remedies", title: "Remedies" },
        { key: "n", title: "N", numeric: true },
      ],
      rows: [
        ['o-1, "quoted"', "line one\nline two", 12345678901234567890n],
        ["阿里云计算有限公司", null, 0],
      ],
    },
  ],
};

describe("report CSV", () => {
  it("is RFC 4180: one header row, quoted fields where needed, CRLF, parsed back to the same cells", () => {
    const text = reportCsv(sample);
    expect(text.startsWith("table,row,column,value\r\n")).toBe(true);
    expect(text).toContain('decisions,1,id,"o-1, ""quoted"""\r\n');
    const records = parse(text, { columns: true }) as {
      table: string;
      row: string;
      column: string;
      value: string;
    }[];
    const cells = records.filter((r) => r.table === "decisions").map((r) => [r.row, r.column, r.value]);
    expect(cells).toEqual([
      ["1", "id", 'o-1, "quoted"'],
      ["1", "remedies", "line one\nline two"],
      ["1", "n", "12345678901234567890"],
      ["2", "id", "阿里云计算有限公司"],
      ["2", "remedies", ""],
      ["2", "n", "0"],
    ]);
    expect(records.find((r) => r.column === "checkpoint_size")?.value).toBe("3");
  });

  it("starts with a UTF-8 byte order mark only when asked", () => {
    expect(reportCsv(sample, { bom: true }).charCodeAt(0)).toBe(0xfeff);
    expect(reportCsv(sample).charCodeAt(0)).toBe(0x74); // "t"
  });
});

describe("detached signatures", () => {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const bytes = Buffer.from("report bytes");
  const sigText = signatureText(
    bytes,
    reportKeyIdOf(publicKey),
    sign(null, bytes, privateKey).toString("base64"),
  );

  it("checks valid, and names what failed otherwise", () => {
    expect(verifyReport(bytes, sigText, pem)).toBe("valid");
    expect(verifyReport(Buffer.from("report bytez"), sigText, pem)).toBe("digest_mismatch");
    expect(verifyReport(bytes, "{}", pem)).toBe("malformed_signature");
    expect(verifyReport(bytes, sigText, "not a key")).toBe("malformed_key");
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({
      type: "spki",
      format: "pem",
    });
    expect(verifyReport(bytes, sigText, rsa.toString())).toBe("malformed_key");
    const other = generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString();
    expect(verifyReport(bytes, sigText, other)).toBe("other_key");
    const parsed = JSON.parse(sigText) as { signature: string };
    const flipped = Buffer.from(parsed.signature, "base64");
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(
      verifyReport(bytes, JSON.stringify({ ...parsed, signature: flipped.toString("base64") }), pem),
    ).toBe("bad_signature");
  });
});
