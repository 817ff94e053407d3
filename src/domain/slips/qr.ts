// QR code content of generated documents. Thông tư 01/2023/TT-VPCP asks that documents produced
// by a processing system carry a QR code (top left) holding at least the dossier number, the
// procedure code, the applicant's identifier and the document's name. The format below is ours
// (the circular fixes the content, not the syntax): a compact JSON object with the national
// portal's field names, so a reader needs no knowledge of Một Cửa, plus the public tracking link.
//
//   {"v":1,"MaHoSo":"000.00.25.H12-261203-0001","MaTTHC":"1.001193","MaDoiTuong":"019203004567",
//    "TenGiayTo":"Giấy tiếp nhận hồ sơ và hẹn trả kết quả","TraCuu":"https://…/track?code=…"}
//
// Text is UTF-8 (QR byte mode), NFC.

export type QrPayload = {
  v: 1;
  MaHoSo: string;
  MaTTHC: string;
  MaDoiTuong: string;
  TenGiayTo: string;
  TraCuu: string;
};

export function buildQrPayload(input: { dossierCode: string; procedureCode: string; applicantId?: string | null | undefined; documentName: string; trackingUrl: string }): QrPayload {
  return {
    v: 1,
    MaHoSo: input.dossierCode.normalize("NFC"),
    MaTTHC: input.procedureCode.normalize("NFC"),
    MaDoiTuong: (input.applicantId ?? "").normalize("NFC"),
    TenGiayTo: input.documentName.normalize("NFC"),
    TraCuu: input.trackingUrl,
  };
}

export function encodeQrPayload(p: QrPayload): string {
  // Fixed key order, so the same document always yields the same QR.
  return JSON.stringify({ v: p.v, MaHoSo: p.MaHoSo, MaTTHC: p.MaTTHC, MaDoiTuong: p.MaDoiTuong, TenGiayTo: p.TenGiayTo, TraCuu: p.TraCuu });
}

/** Reads a scanned payload back; undefined when it is not one of ours. */
export function findQrPayload(text: string): QrPayload | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!raw || typeof raw !== "object") return undefined;
  const o = raw as Record<string, unknown>;
  const keys = ["MaHoSo", "MaTTHC", "MaDoiTuong", "TenGiayTo", "TraCuu"] as const;
  if (o.v !== 1 || !keys.every((k) => typeof o[k] === "string")) return undefined;
  return { v: 1, MaHoSo: o.MaHoSo as string, MaTTHC: o.MaTTHC as string, MaDoiTuong: o.MaDoiTuong as string, TenGiayTo: o.TenGiayTo as string, TraCuu: o.TraCuu as string };
}

export function trackingUrl(baseUrl: string, code: string): string {
  return `${baseUrl.replace(/\/$/, "")}/track?code=${encodeURIComponent(code)}`;
}
