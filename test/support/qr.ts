import jsQR from 'jsqr';

/**
 * Reads a QR code back, as a phone would, from the SVG a leaflet prints: the SVG's dark modules (the
 * squares `uqr` draws, `M x,y h s v s h -s z`) are painted into an RGBA bitmap, `PX` pixels per module,
 * quiet zone included, and handed to jsQR, a QR reader independent of the library that drew them.
 */
const PX = 4;

export function decodeQrSvg(svg: string): string | null {
  const box = /viewBox="0 0 (\d+) (\d+)"/.exec(svg);
  const path = /<path[^>]*\sd="([^"]*)"/.exec(svg);
  if (!box || !path) throw new Error('not a uqr SVG: no viewBox or path');
  const squares = [...path[1]!.matchAll(/M(\d+),(\d+)h(\d+)v\d+h-\d+z/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]), s: Number(m[3]) }));
  if (squares.length === 0) throw new Error('no module in the SVG path');
  const unit = squares[0]!.s;
  const width = (Number(box[1]) / unit) * PX;
  const height = (Number(box[2]) / unit) * PX;
  const rgba = new Uint8ClampedArray(width * height * 4).fill(255);
  for (const { x, y } of squares) {
    const px = (x / unit) * PX;
    const py = (y / unit) * PX;
    for (let dy = 0; dy < PX; dy++) {
      for (let dx = 0; dx < PX; dx++) {
        const i = ((py + dy) * width + px + dx) * 4;
        rgba[i] = rgba[i + 1] = rgba[i + 2] = 0;
      }
    }
  }
  return jsQR(rgba, width, height, { inversionAttempts: 'dontInvert' })?.data ?? null;
}

/** The QR codes of a leaflet page, by channel: the URL the page says it encodes, and what the code reads back. */
export function qrCodesOf(html: string): { channel: string; url: string; decoded: string | null }[] {
  const out: { channel: string; url: string; decoded: string | null }[] = [];
  for (const m of html.matchAll(/<figure class="code [a-z]+" data-channel="([a-z]+)" data-url="([^"]*)">\s*<div class="qr">(<svg[\s\S]*?<\/svg>)<\/div>/g)) {
    out.push({ channel: m[1]!, url: unescapeHtml(m[2]!), decoded: decodeQrSvg(m[3]!) });
  }
  return out;
}

export function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);
}
