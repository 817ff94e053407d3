// The official document as PDF (pdfkit, fontkit) or Word (docx): those libraries are imported with
// the first document rendered, not with the server (together ~15 MB of an idle process's heap).
export const renderPdf: typeof import("./pdf").renderPdf = async (d) => (await import("./pdf")).renderPdf(d);
export const renderDocx: typeof import("./docx").renderDocx = async (d) => (await import("./docx")).renderDocx(d);
