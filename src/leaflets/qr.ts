import { renderSVG } from 'uqr';

/**
 * QR codes as inline SVG, drawn by `uqr` (maintained, no dependencies, the same code on Node and
 * Workers). Error correction M (15 %): a leaflet gets folded, smudged, photographed under a neon tube;
 * H would make the Arabic WhatsApp links (long percent-encoded greetings) denser for little gain.
 * A quiet zone of 4 modules, as ISO/IEC 18004 asks: cameras find the code by its white margin.
 * The SVG scales with the page (no width or height of its own): print shops get vectors, never pixels.
 */
export const QR_OPTIONS = { ecc: 'M', border: 4 } as const;

export function qrSvg(text: string, label: string): string {
  const svg = renderSVG(text, QR_OPTIONS);
  // An image for screen readers, named by what it opens; sharp module edges when rasterised.
  return svg.replace('<svg ', `<svg role="img" aria-label="${escapeHtml(label)}" shape-rendering="crispEdges" `);
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
