// A stored file's name ends with the extension of what its bytes are, whatever it was called on
// the way in: a PDF uploaded as "report.html" is kept and downloaded as "report.pdf", so no
// browser or desktop program is ever invited to open it as a page or a program.

export const EXTENSION_OF_TYPE = {
  "application/pdf": "pdf",
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "image/gif": "gif",
  "audio/mpeg": "mp3",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
  "application/msword": "doc",
  "application/x-cfb": "doc",
  "application/vnd.ms-excel": "xls",
} as const satisfies Record<string, string>;

const TRAILING_EXTENSION = /\.[A-Za-z0-9]{1,8}$/;

/** The name with its extension replaced by the one of `mime` (unknown types: the name without extension, plus ".bin"). */
export function nameForType(fileName: string, mime: string): string {
  const ext = (EXTENSION_OF_TYPE as Record<string, string>)[mime] ?? "bin";
  const base = fileName.replace(TRAILING_EXTENSION, "").replace(/[.\s]+$/, "") || "tep";
  return `${base}.${ext}`;
}
