// The article editor: progressive enhancement of the body textarea, which stays the form field
// (and, without JavaScript, the whole editor). Text pasted from Word or a web page is cleaned by
// the server's sanitiser (POST /api/v1/communications/clean) before it is shown, so the writer
// sees what will be saved; saving sanitises again whatever is posted.
(() => {
  const ta = document.getElementById("f-body");
  const form = ta?.form;
  if (!form || typeof document.execCommand !== "function" || typeof DOMParser !== "function") return;
  let L = {};
  try {
    L = JSON.parse(form.getAttribute("data-editor") || "{}");
  } catch (_) {
    L = {};
  }
  const csrf = form.querySelector('input[name="_csrf"]');

  // What the server keeps (src/domain/communications/sanitize.ts): anything else shown here would
  // vanish on save. Used for the textarea's own text and the HTML view, which are the writer's.
  const KEEP = /^(P|BR|H2|H3|H4|STRONG|EM|B|I|UL|OL|LI|A|IMG|BLOCKQUOTE|TABLE|THEAD|TBODY|TR|TH|TD|CAPTION)$/;
  const DROP = /^(SCRIPT|STYLE|TEMPLATE|IFRAME|OBJECT|EMBED|SVG|MATH|TEXTAREA|NOSCRIPT|TITLE|HEAD|META|LINK|XML)$/;
  const BLOCK = /^(P|H2|H3|H4|UL|OL|BLOCKQUOTE|TABLE)$/;
  const ATTRS = { A: ["href", "title", "rel"], IMG: ["src", "alt", "width", "height"], TH: ["colspan", "rowspan", "scope"], TD: ["colspan", "rowspan"] };
  const SAFE_HREF = /^(https?:|mailto:|\/(?!\/))/i;
  const OWN_IMG = /^\/media\/communications\/\d{1,12}(\/(large|thumb))?$/;

  const cleanNodes = (from) => {
    const out = document.createDocumentFragment();
    for (const n of Array.from(from.childNodes)) {
      if (n.nodeType === 3) out.appendChild(document.createTextNode(n.nodeValue));
      if (n.nodeType !== 1) continue;
      const tag = n.tagName.toUpperCase();
      if (DROP.test(tag)) continue;
      const inner = cleanNodes(n);
      if (!KEEP.test(tag)) {
        out.appendChild(inner);
        continue;
      }
      if (tag === "IMG" && !OWN_IMG.test(n.getAttribute("src") || "")) continue;
      const el = document.createElement(tag === "B" ? "strong" : tag === "I" ? "em" : tag.toLowerCase());
      for (const a of ATTRS[tag] || []) {
        const v = n.getAttribute(a);
        if (v !== null && (a !== "href" || SAFE_HREF.test(v.trim()))) el.setAttribute(a, v);
      }
      el.appendChild(inner);
      out.appendChild(el);
    }
    return out;
  };
  // DOMParser's document is inert: nothing in it runs or loads.
  const parse = (html) => cleanNodes(new DOMParser().parseFromString(html, "text/html").body);
  const textToHtml = (text) =>
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => `<p>${l.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")}</p>`)
      .join("");

  const ed = document.createElement("div");
  ed.className = "comm-editor";
  ed.contentEditable = "true";
  ed.setAttribute("role", "textbox");
  ed.setAttribute("aria-multiline", "true");
  ed.spellcheck = true;
  ed.lang = document.documentElement.lang || "vi";
  const label = form.querySelector('label[for="f-body"]');
  if (label) {
    label.id = label.id || "f-body-label";
    ed.setAttribute("aria-labelledby", label.id);
    label.addEventListener("click", (e) => {
      if (!ta.hidden) return;
      e.preventDefault();
      ed.focus();
    });
  }
  for (const a of ["aria-describedby", "aria-invalid"]) if (ta.hasAttribute(a)) ed.setAttribute(a, ta.getAttribute(a));
  const initial = ta.value.trim();
  ed.appendChild(parse(/<[a-z!/]/i.test(initial) ? initial : textToHtml(initial)));
  const ensureParagraph = () => {
    if (!ed.firstChild) ed.innerHTML = "<p><br></p>";
  };
  ensureParagraph();

  const serialize = () => {
    const h = ed.innerHTML.trim();
    return h === "<p><br></p>" || h === "<br>" ? "" : h;
  };
  const sync = () => {
    if (ta.hidden) ta.value = serialize();
  };

  const status = document.createElement("p");
  status.className = "hint";
  status.setAttribute("role", "status");
  const say = (msg) => {
    status.textContent = msg || "";
  };

  let saved = null;
  const keep = () => {
    const sel = window.getSelection();
    if (sel?.rangeCount && ed.contains(sel.getRangeAt(0).commonAncestorContainer)) saved = sel.getRangeAt(0).cloneRange();
  };
  const restore = () => {
    ed.focus();
    if (!saved) return;
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(saved);
  };
  document.addEventListener("selectionchange", keep);

  const exec = (cmd, arg) => {
    restore();
    document.execCommand(cmd, false, arg);
    keep();
    sync();
  };
  try {
    document.execCommand("defaultParagraphSeparator", false, "p");
    document.execCommand("styleWithCSS", false, false);
  } catch (_) {
    // Older engines: Enter makes <div>, which the sanitiser reduces to text; still usable.
  }

  /** Puts cleaned nodes at the caret; blocks go after the block holding it (or replace it when empty). */
  const insert = (frag, range) => {
    ed.focus();
    const sel = window.getSelection();
    let r = range;
    if (!r || !ed.contains(r.commonAncestorContainer)) {
      r = document.createRange();
      r.selectNodeContents(ed);
      r.collapse(false);
    }
    r.deleteContents();
    const last = frag.lastChild;
    if (Array.from(frag.childNodes).some((n) => n.nodeType === 1 && BLOCK.test(n.tagName))) {
      let top = r.startContainer;
      if (top === ed) ed.insertBefore(frag, ed.childNodes[r.startOffset] || null);
      else {
        while (top.parentNode !== ed) top = top.parentNode;
        if (!top.textContent.trim() && !top.querySelector?.("img")) ed.replaceChild(frag, top);
        else ed.insertBefore(frag, top.nextSibling);
      }
    } else r.insertNode(frag);
    if (last?.parentNode) {
      const after = document.createRange();
      after.selectNodeContents(last.nodeType === 1 ? last : last.parentNode);
      after.collapse(false);
      sel.removeAllRanges();
      sel.addRange(after);
    }
    keep();
    sync();
  };

  ed.addEventListener("paste", (e) => {
    const dt = e.clipboardData;
    if (!dt) return;
    const html = dt.getData("text/html");
    const text = dt.getData("text/plain");
    if (!html && !text) return;
    e.preventDefault();
    const sel = window.getSelection();
    const range = sel?.rangeCount ? sel.getRangeAt(0).cloneRange() : null;
    const asText = () => insert(text.includes("\n") ? parse(textToHtml(text)) : document.createTextNode(text), range);
    if (!html) return asText();
    say(L.cleaning);
    fetch("/api/v1/communications/clean", {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", accept: "application/json", "x-csrf-token": csrf ? csrf.value : "" },
      body: JSON.stringify({ html }),
    })
      .then((res) => (res.ok ? res.json() : Promise.reject(new Error(String(res.status)))))
      .then((j) => {
        insert(parse(j.html), range);
        say(L.cleaned);
      })
      .catch(() => {
        asText();
        say(L.pastedText);
      });
  });
  ed.addEventListener("input", sync);
  form.addEventListener("submit", sync);

  const bar = document.createElement("div");
  bar.className = "comm-toolbar";
  bar.setAttribute("role", "toolbar");
  if (L.toolbar) bar.setAttribute("aria-label", L.toolbar);
  // Buttons say what they do in words (their accessible name); a title adds detail where useful.
  const button = (text, title, run) => {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "secondary";
    b.textContent = text;
    if (title) b.title = title;
    // Keep the selection in the text while the button is pressed.
    b.addEventListener("mousedown", (e) => e.preventDefault());
    b.addEventListener("click", () => run(b));
    bar.appendChild(b);
    return b;
  };
  const formats = [
    button(L.p || "¶", "", () => exec("formatBlock", "<p>")),
    button(L.h2 || "H2", "", () => exec("formatBlock", "<h2>")),
    button(L.h3 || "H3", "", () => exec("formatBlock", "<h3>")),
    button(L.bold || "B", "", () => exec("bold")),
    button(L.italic || "I", "", () => exec("italic")),
    button(L.ul || "•", "", () => exec("insertUnorderedList")),
    button(L.ol || "1.", "", () => exec("insertOrderedList")),
    button(L.quote || "“ ”", "", () => exec("formatBlock", "<blockquote>")),
    button(L.link || "Link", L.linkTitle, () => {
      const url = (window.prompt(L.linkPrompt || "https://", "https://") || "").trim();
      if (!url || url === "https://") return restore();
      if (!/^(https?:\/\/[^\s]+|mailto:[^\s]+)$/i.test(url)) {
        say(L.badLink);
        return restore();
      }
      exec("createLink", url);
    }),
    button(L.unlink || "Unlink", L.unlinkTitle, () => exec("unlink")),
  ];
  const source = button(L.source || "HTML", L.sourceTitle, (b) => {
    const showSource = ta.hidden;
    if (showSource) ta.value = serialize();
    else {
      ed.replaceChildren(parse(ta.value));
      ensureParagraph();
    }
    ta.hidden = !showSource;
    ed.hidden = showSource;
    b.setAttribute("aria-pressed", String(showSource));
    for (const f of formats) f.disabled = showSource;
    (showSource ? ta : ed).focus();
  });
  source.setAttribute("aria-pressed", "false");

  ta.hidden = true;
  ta.parentNode.insertBefore(bar, ta);
  ta.parentNode.insertBefore(ed, ta);
  ta.parentNode.insertBefore(status, ta.nextSibling);
})();
