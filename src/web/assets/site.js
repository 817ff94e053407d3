// Progressive enhancement only: every page works without this file.
(() => {
  // Ask before destructive actions marked with data-confirm.
  document.addEventListener("submit", (e) => {
    const form = e.target;
    const msg = form instanceof HTMLFormElement ? form.getAttribute("data-confirm") : null;
    if (msg && !window.confirm(msg)) e.preventDefault();
  });
  // Bring the error summary into view and focus so screen readers announce it.
  const summary = document.querySelector(".error-summary");
  if (summary instanceof HTMLElement) summary.focus();
  // Prevent double submission of a form (a second click on a slow network).
  document.addEventListener("submit", (e) => {
    const form = e.target;
    if (!(form instanceof HTMLFormElement) || e.defaultPrevented) return;
    if (form.dataset.submitted === "1") { e.preventDefault(); return; }
    form.dataset.submitted = "1";
    setTimeout(() => { form.dataset.submitted = ""; }, 8000);
  });
  // Procedure type-ahead (counter intake): the server's search (tones folded, typos tolerated)
  // while typing; arrow keys move, Enter picks. Without this the form submits and lists results.
  for (const form of document.querySelectorAll("form[data-procedure-search]")) {
    const input = form.querySelector("input[type=search]");
    if (!(input instanceof HTMLInputElement)) continue;
    const list = document.createElement("ul");
    list.id = `${input.id}-list`;
    list.className = "typeahead";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.after(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    let active = -1;
    let timer = 0;
    let seq = 0;
    const options = () => [...list.querySelectorAll("[role=option]")];
    const show = (i) => {
      const all = options();
      active = all.length ? (i + all.length) % all.length : -1;
      for (const [k, o] of all.entries()) o.setAttribute("aria-selected", String(k === active));
      if (active >= 0) input.setAttribute("aria-activedescendant", all[active].id);
      else input.removeAttribute("aria-activedescendant");
    };
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const q = input.value.trim();
        const mine = ++seq;
        if (q.length < 2) { list.hidden = true; input.setAttribute("aria-expanded", "false"); return; }
        try {
          const res = await fetch(form.dataset.procedureSearch + encodeURIComponent(q), { headers: { accept: "application/json" } });
          if (!res.ok || mine !== seq) return;
          const { items } = await res.json();
          list.replaceChildren(...items.map((it, k) => {
            const li = document.createElement("li");
            li.id = `${list.id}-${k}`;
            li.setAttribute("role", "option");
            const a = document.createElement("a");
            a.href = `${form.action}?procedure=${encodeURIComponent(it.code)}`;
            a.textContent = `${it.name} (${it.code})`;
            li.append(a);
            return li;
          }));
          list.hidden = items.length === 0;
          input.setAttribute("aria-expanded", String(items.length > 0));
          show(0);
        } catch { /* the form still submits */ }
      }, 150);
    });
    if (!document.querySelector(".error-summary")) input.focus();
    input.addEventListener("keydown", (e) => {
      if (list.hidden) return;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") { e.preventDefault(); show(active + (e.key === "ArrowDown" ? 1 : -1)); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); const a = options()[active]?.querySelector("a"); if (a) window.location.href = a.href; }
      else if (e.key === "Escape") { list.hidden = true; input.setAttribute("aria-expanded", "false"); }
    });
  }
})();
