// Personal data out of a published PAKN: the question and the answer go on the commune's public
// page only with the petitioner's consent and with names, phone numbers, identity numbers,
// addresses and e-mail addresses replaced by a word saying what was there (Luật Bảo vệ dữ liệu cá
// nhân 91/2025/QH15). Pure and idempotent: masking a masked text changes nothing, so the officer
// may edit the masked text and it is masked again on publication.

export const MASKS = {
  name: "[họ tên]",
  phone: "[số điện thoại]",
  id: "[số giấy tờ]",
  address: "[địa chỉ]",
  email: "[thư điện tử]",
} as const;

export type MaskOptions = {
  /** Names known to belong to the people concerned (the petitioner, the applicant of the dossier). */
  names?: readonly (string | null | undefined)[];
};

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
// Vietnamese numbers: 0 or +84/84 then 8–10 more digits, spaces, dots or dashes between groups.
// Not inside a longer number ("1.000.000.000 đồng", "001 090 123 456"): no digit, or digit and separator, just before.
const PHONE = /(?<![\p{N}.,]|\d[ .-])(?:\+84|84|0)(?:[ .-]?\d){8,10}(?![\p{N}]|[ .,-]\d)/gu;
// Citizen identity cards (12 digits), old identity cards (9), and any other run of 9+ digits
// (passports, social insurance, bank accounts), written with or without spaces in groups of 3–4.
const ID_NUMBER = /(?<![\p{N}.,]|\d[ .-])\d{3,4}(?:[ .]?\d{3,4}){1,3}(?![\p{N}]|[.,]\d)/gu;
// Addresses down to the house: "số nhà 12", "số 5 ngõ 34", "ngõ 12/3", "ngách 4", "hẻm 7",
// "kiệt 9", "tổ dân phố 3" with the streets that follow, and what follows "địa chỉ:", "trú tại",
// "thường trú", "tạm trú", "nơi ở hiện nay" up to the end of the phrase. A bare "số 20/2008" (a
// document number) is not an address: "số" counts only with "nhà" or a street word after it.
const STREET = "(?:[Nn]gõ|[Nn]gách|[Hh]ẻm|[Kk]iệt|[Đđ]ường|[Pp]hố|[Tt]ổ dân phố|[Tt]ổ)";
const NUMBER = "\\d+[\\p{L}]?(?:\\/\\d+[\\p{L}]?)*";
const HOUSE = new RegExp(
  `(?<![\\p{L}])(?:[Ss]ố nhà\\s+${NUMBER}|[Ss]ố\\s+${NUMBER}(?=,?\\s+${STREET}\\s)|(?:[Nn]gõ|[Nn]gách|[Hh]ẻm|[Kk]iệt|[Tt]ổ dân phố)\\s+${NUMBER})` +
    `(?:,?\\s+${STREET}\\s+[^\\s,.;:()]+(?:\\s+\\p{Lu}[\\p{Ll}]*)*)*`,
  "gu",
);
const ADDRESS_PHRASE =
  /(?<![\p{L}])([Đđ]ịa chỉ(?: nhà| thường trú| liên hệ| cư trú)?\s*:\s*|(?:[Cc]ư trú|[Tt]hường trú|[Tt]ạm trú|[Tt]rú|[Nn]hà ở|[Ss]inh sống)(?: tại\s*:?\s*|\s*:\s*)|[Nn]ơi (?:ở|cư trú)(?: hiện (?:nay|tại))?\s*:?\s+)(?!\s*\[)[^.;\n()]+/gu;
// Someone named after a form of address: "ông Nguyễn Văn An", "bà Lan", "anh Tuấn", "chị Hà".
// The form of address stays (it says who is meant); the capitalised words after it go, unless
// they are a title ("ông Chủ tịch UBND xã").
const TITLE_WORDS = "(?:Chủ|Phó|Bí|Trưởng|Công|Cán|Giám|Thủ|Chánh|Ủy|Uỷ|Đại|Hội|Bộ|Tổ|Kế|Chỉ|Đội|Ban|Phòng|Trạm|Bác sĩ|Tổng)(?![\\p{L}])";
const HONORIFIC = new RegExp(
  `(?<![\\p{L}])((?:[Ôô]ng\\/[Bb]à|[Ôô]ng|[Bb]à|[Aa]nh|[Cc]hị|[Cc]ô|[Cc]hú|[Bb]ác|[Cc]ụ|[Ee]m|[Cc]háu)\\s+)(?!${TITLE_WORDS})(\\p{Lu}[\\p{Ll}]*(?:\\s+\\p{Lu}[\\p{Ll}]*){0,4})`,
  "gu",
);

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A known name, matched whole, with any spacing, in any letter case. */
function namePattern(name: string): RegExp | undefined {
  const words = name.normalize("NFC").trim().split(/\s+/).filter((w) => w.length > 0);
  if (words.length === 0 || words.join("").length < 2) return undefined;
  return new RegExp(`(?<![\\p{L}])${words.map(escapeRegExp).join("\\s+")}(?![\\p{L}])`, "giu");
}

/** The text with personal data replaced by MASKS; line breaks and everything else kept. */
export function maskPersonalData(text: string, options: MaskOptions = {}): string {
  let out = text.normalize("NFC");
  // Longest names first, so "Nguyễn Văn An" goes before a shorter "Văn An".
  const names = [...new Set((options.names ?? []).filter((n): n is string => typeof n === "string"))].sort((a, b) => b.length - a.length);
  for (const n of names) {
    const p = namePattern(n);
    if (p) out = out.replace(p, MASKS.name);
  }
  out = out.replace(EMAIL, MASKS.email);
  out = out.replace(PHONE, MASKS.phone);
  out = out.replace(ID_NUMBER, (m) => (m.replace(/\D/g, "").length >= 9 ? MASKS.id : m));
  out = out.replace(ADDRESS_PHRASE, (m: string, lead: string) => `${lead}${MASKS.address}${/\s*$/.exec(m)![0]}`);
  out = out.replace(HOUSE, MASKS.address);
  out = out.replace(HONORIFIC, (_m, form: string) => `${form}${MASKS.name}`);
  return out;
}
