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
  const title = bilingual(report.title, report.titleZh);
  doc.font(fontOf(title, true)).fontSize(16).text(title);
  doc.moveDown(0.3).fontSize(9);
  const lines = [
    `Report: ${report.kind}   Window: ${report.window.from} to ${report.window.to} (UTC days, both included)${report.closed ? "   closed, pinned" : ""}`,
    `Issued by: ${report.issuer.principalId} (${report.issuer.role})   at ${report.issuedAt}`,
    `Log checkpoint: ${report.checkpoint.origin}, size ${report.checkpoint.size}, root ${report.checkpoint.rootHash}`,
    report.checkpoint.note,
  ];
  for (const line of lines) doc.font(fontOf(line, false)).text(line);
  doc.moveDown(0.8);
}

/**
 * Latin-1 text is set in Helvetica (a standard PDF font: measured from its metrics, fast), anything
 * else (Chinese, −, ≤) in Noto Sans SC. pdfkit's own table() re-opens the 10 MB CJK font per cell
 * (minutes for a few hundred rows), so tables are drawn here: fixed columns, wrapped cells.
 */
const latin1 = (text: string): boolean => !/[^\t\n\x20-\xff]/.test(text);
const fontOf = (text: string, bold: boolean): string =>
  latin1(text) ? (bold ? "Helvetica-Bold" : "Helvetica") : bold ? "bold" : "regular";
const cellPaddingPt = 2;

/** Column widths in proportion to the longest text in each (header words and the first rows). */
function columnWidths(table: Table, head: string[], body: string[][], totalWidth: number): number[] {
  const weights = table.columns.map((_, at) => {
    const longestWord = Math.max(...(head[at] ?? "").split(/\s+/).map((w) => w.length));
    const longestCell = Math.max(0, ...body.slice(0, 200).map((row) => (row[at] ?? "").length));
    return Math.min(Math.max(longestWord, longestCell, 6), 40);
  });
  const sum = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => (w / sum) * totalWidth);
}

function rowHeight(doc: PDFKit.PDFDocument, cells: string[], widths: number[], bold: boolean): number {
  let lines = 1;
  cells.forEach((text, at) => {
    const inner = (widths[at] ?? 0) - 2 * cellPaddingPt;
    // Short text fits on one line: skip measuring it (most cells of a long list).
    // (Latin-1 only: a Chinese character is a full em wide, so Chinese text is always measured.)
    if (latin1(text) && text.length * fontSizePt * 0.62 < inner && !text.includes("\n")) return;
    doc.font(fontOf(text, bold)).fontSize(fontSizePt);
    lines = Math.max(
      lines,
      Math.ceil(doc.heightOfString(text, { width: inner }) / doc.currentLineHeight(true)),
    );
  });
  return lines * fontSizePt * 1.25 + 2 * cellPaddingPt;
}

function drawRow(
  doc: PDFKit.PDFDocument,
  cells: string[],
  widths: number[],
  y: number,
  height: number,
  style: { bold: boolean; fill?: string; numeric: boolean[] },
): void {
  let x = margin;
  cells.forEach((text, at) => {
    const width = widths[at] ?? 0;
    if (style.fill) doc.rect(x, y, width, height).fill(style.fill);
    doc.lineWidth(0.4).strokeColor("#9aa4b2").rect(x, y, width, height).stroke();
    doc
      .fillColor("black")
      .font(fontOf(text, style.bold))
      .fontSize(fontSizePt)
      .text(text, x + cellPaddingPt, y + cellPaddingPt, {
        width: width - 2 * cellPaddingPt,
        align: style.numeric[at] ? "right" : "left",
        lineGap: fontSizePt * 0.25 - 1,
      });
    x += width;
  });
}

function drawTable(doc: PDFKit.PDFDocument, table: Table): void {
  const bottom = () => doc.page.height - margin;
  if (doc.y > bottom() - 80) doc.addPage();
  const heading = bilingual(table.title, table.titleZh);
  doc.fillColor("black").font(fontOf(heading, true)).fontSize(11).text(heading, margin, doc.y);
  doc.moveDown(0.3);
  const shown = table.rows.slice(0, pdfTableRowsMax);
  const numeric = table.columns.map((c) => c.numeric === true);
  const head = table.columns.map((c) => bilingual(c.title, c.titleZh));
  const body = shown.map((row) =>
    table.columns.map((column, at) => (column.numeric ? grouped(cellText(row[at])) : cellText(row[at]))),
  );
  const widths = columnWidths(table, head, body, doc.page.width - 2 * margin);
  const headHeight = rowHeight(doc, head, widths, true);
  let y = doc.y;
  drawRow(doc, head, widths, y, headHeight, { bold: true, fill: "#e8ecf2", numeric });
  y += headHeight;
  const rows = body.length > 0 ? body : [["(none in this window)", ...head.slice(1).map(() => "")]];
  for (const cells of rows) {
    const height = rowHeight(doc, cells, widths, false);
    if (y + height > bottom()) {
      doc.addPage();
      y = margin;
      drawRow(doc, head, widths, y, headHeight, { bold: true, fill: "#e8ecf2", numeric });
      y += headHeight;
    }
    drawRow(doc, cells, widths, y, height, { bold: false, numeric });
    y += height;
  }
  const notes = [
    ...(table.note ? [table.note] : []),
    ...(table.rows.length > shown.length
      ? [
          `${shown.length} of ${table.rows.length} rows shown; the CSV and JSON of this report hold every row.`,
        ]
      : []),
  ];
  doc.x = margin;
  doc.y = y + 3;
  for (const note of notes)
    doc.font(fontOf(note, false)).fontSize(7).fillColor("#444444").text(note, margin, doc.y);
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
      .font("Helvetica")
      .fontSize(7)
      .fillColor("#444444")
      .text(
        `Sluice report ${report.kind} ${report.window.from}..${report.window.to} - page ${i + 1} of ${range.count}`,
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
