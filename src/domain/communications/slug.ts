import { fold } from "../text/fold";

/** URL slug from a Vietnamese title: folded (no tones, đ → d), words joined by hyphens. */
export function slugify(title: string, maxLength = 80): string {
  const s = fold(title)
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return (s.slice(0, maxLength).replace(/-+$/, "") || "bai-viet");
}
