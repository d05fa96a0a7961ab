// Reports as PDF documents (pdfkit): a title page header (title, window, issuer, checkpoint), the
// tables, the cap over time as a chart (ECharts' server-side SVG renderer, drawn with svg-to-pdfkit),
// and page numbers. Text is set in Noto Sans SC (the TrueType font the @expo-google-fonts package
// ships), embedded as a subset, so Chinese names and headings render with no system font. The
// document's dates are the report's issue time, so the same report gives the same bytes.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as echarts from "echarts";
import PDFDocument from "pdfkit";
import SVGtoPDF from "svg-to-pdfkit";
import type { PdfRenderer } from "../../app/reports/ports.ts";
import type { Cell, Chart, Report, Table } from "../../core/reports/model.ts";

/** Rows of one table drawn in the PDF; a longer list is cut with a note (CSV and JSON hold all). */
export const pdfTableRowsMax = 500;
const fontSizePt = 7.5;
const margin = 40;

const require = createRequire(import.meta.url);
const fontPath = (weight: string, file: string): string =>
  require.resolve(`@expo-google-fonts/noto-sans-sc/${weight}/${file}`);

let fonts: { regular: Buffer; bold: Buffer } | undefined;
/** The two font files (10 MB each), read once per process. */
function loadFonts(): { regular: Buffer; bold: Buffer } {
  fonts ??= {
    regular: readFileSync(fontPath("400Regular", "NotoSansSC_400Regular.ttf")),
    bold: readFileSync(fontPath("700Bold", "NotoSansSC_700Bold.ttf")),
  };
  return fonts;
}

const cellText = (cell: Cell | undefined): string =>
  cell === null || cell === undefined ? "" : String(cell);
/** Digits grouped by thousands for reading; the CSV and JSON keep the plain integers. */
const grouped = (text: string): string =>
  /^-?\d{4,}$/.test(text) ? text.replace(/\B(?=(\d{3})+(?!\d))/g, ",") : text;
const bilingual = (title: string, titleZh: string | undefined): string =>
  titleZh ? `${title} / ${titleZh}` : title;

function header(doc: PDFKit.PDFDocument, report: Report): void {
  doc.font("bold").fontSize(16).text(bilingual(report.title, report.titleZh));
  doc.moveDown(0.3).font("regular").fontSize(9);
  const lines = [
    `Report: ${report.kind}   Window: ${report.window.from} to ${report.window.to} (UTC days, both included)${report.closed ? "   closed, pinned" : ""}`,
    `Issued by: ${report.issuer.principalId} (${report.issuer.role})   at ${report.issuedAt}`,
    `Log checkpoint: ${report.checkpoint.origin}, size ${report.checkpoint.size}, root ${report.checkpoint.rootHash}`,
    report.checkpoint.note,
  ];
  for (const line of lines) doc.text(line);
  doc.moveDown(0.8);
}

function drawTable(doc: PDFKit.PDFDocument, table: Table): void {
  if (doc.y > doc.page.height - margin - 80) doc.addPage();
  doc.font("bold").fontSize(11).text(bilingual(table.title, table.titleZh));
  doc.moveDown(0.3);
  const shown = table.rows.slice(0, pdfTableRowsMax);
  const head = table.columns.map((c) => ({ text: bilingual(c.title, c.titleZh), type: "TH" as const }));
  const body = shown.map((row) =>
    table.columns.map((column, at) => ({
      text: column.numeric ? grouped(cellText(row[at])) : cellText(row[at]),
      align: { x: column.numeric ? ("right" as const) : ("left" as const) },
    })),
  );
  doc.font("regular").fontSize(fontSizePt);
  doc.table({
    rowStyles: (row) => (row === 0 ? { backgroundColor: "#e8ecf2", font: { src: "bold" } } : {}),
    defaultStyle: { border: 0.5, borderColor: "#9aa4b2", padding: 2 },
    data: [
      head,
      ...(body.length > 0 ? body : [[{ text: "(none in this window)", colSpan: table.columns.length }]]),
    ],
  });
  const notes = [
    ...(table.note ? [table.note] : []),
    ...(table.rows.length > shown.length
      ? [
          `${shown.length} of ${table.rows.length} rows shown; the CSV and JSON of this report hold every row.`,
        ]
      : []),
  ];
  doc.moveDown(0.3).font("regular").fontSize(7).fillColor("#444444");
  for (const note of notes) doc.text(note);
  doc.fillColor("black").moveDown(1);
}

/** The chart as SVG text: a line per series over the days. */
export function chartSvg(chart: Chart, width: number, height: number): string {
  const instance = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  instance.setOption({
    animation: false,
    title: { text: bilingual(chart.title, chart.titleZh), textStyle: { fontSize: 11 } },
    legend: { bottom: 0, textStyle: { fontSize: 9 } },
    grid: { left: 70, right: 20, top: 35, bottom: 45 },
    xAxis: { type: "category", data: chart.days, axisLabel: { fontSize: 8 } },
    yAxis: { type: "value", axisLabel: { fontSize: 8 } },
    series: chart.series.map((s) => ({
      name: s.name,
      type: "line",
      showSymbol: false,
      step: "end",
      data: s.values,
    })),
  });
  const svg = instance.renderToSVGString();
  instance.dispose();
  return svg;
}

function numberPages(doc: PDFKit.PDFDocument, report: Report): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // write in the margin without starting a new page
    doc
      .font("regular")
      .fontSize(7)
      .fillColor("#444444")
      .text(
        `Sluice report ${report.kind} ${report.window.from}..${report.window.to} · page ${i + 1} of ${range.count}`,
        margin,
        doc.page.height - margin + 12,
        { width: doc.page.width - 2 * margin, align: "center", lineBreak: false },
      );
    doc.page.margins.bottom = bottom;
  }
}

export async function renderReportPdf(report: Report): Promise<Uint8Array> {
  const { regular, bold } = loadFonts();
  const issued = new Date(report.issuedAt);
  const doc = new PDFDocument({
    size: "A4",
    layout: "landscape",
    margin,
    bufferPages: true,
    info: {
      Title: bilingual(report.title, report.titleZh),
      Author: `${report.issuer.principalId} (${report.issuer.role})`,
      Subject: `${report.kind} ${report.window.from}..${report.window.to}`,
      Creator: "Sluice",
      Producer: "Sluice (PDFKit)",
      CreationDate: issued,
      ModDate: issued,
    },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on("end", resolve);
    doc.on("error", reject);
  });
  doc.registerFont("regular", regular);
  doc.registerFont("bold", bold);
  header(doc, report);
  if (report.chart) {
    const width = doc.page.width - 2 * margin;
    SVGtoPDF(doc, chartSvg(report.chart, width, 220), margin, doc.y, {
      width,
      height: 220,
      fontCallback: (_family, isBold) => (isBold ? "bold" : "regular"),
    });
    doc.y += 230;
  }
  for (const table of report.tables) drawTable(doc, table);
  numberPages(doc, report);
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}

export const pdfRenderer: PdfRenderer = { render: renderReportPdf };
