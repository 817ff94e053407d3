// Slips as PDF through pdfkit and qrcode, imported with the first slip rendered, not with the server.
export const renderSlipPdf: typeof import("./pdf").renderSlipPdf = async (l) => (await import("./pdf")).renderSlipPdf(l);
