// The little of fontkit this module uses: parse a TTF once, hand the object to pdfkit.
declare module "fontkit" {
  export type Font = { layout: (...args: unknown[]) => unknown; postscriptName: string };
  export function create(buffer: Uint8Array, postscriptName?: string): Font;
}
