// Catalog import pages (progressive enhancement; both pages work without this file).
(() => {
  // The upload: sent with XMLHttpRequest to show how much of a large file has gone, then the
  // browser follows to the import's page (the server answers with a redirect).
  const form = document.querySelector("form[data-import-upload]");
  if (form instanceof HTMLFormElement && window.FormData && window.XMLHttpRequest) {
    const words = JSON.parse(form.getAttribute("data-import-upload") || "{}");
    const box = form.querySelector(".upload-progress");
    const bar = box?.querySelector("progress");
    const text = box?.querySelector("span");
    form.addEventListener("submit", (e) => {
      const file = form.querySelector("input[type=file]");
      if (!(file instanceof HTMLInputElement) || !file.files || file.files.length === 0 || !box || !bar || !text) return;
      e.preventDefault();
      const button = form.querySelector("button[type=submit]");
      if (button instanceof HTMLButtonElement) button.disabled = true;
      box.hidden = false;
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.addEventListener("progress", (ev) => {
        if (!ev.lengthComputable) return;
        const pct = Math.floor((ev.loaded / ev.total) * 100);
        bar.value = pct;
        text.textContent = `${words.sending || ""} ${pct}%`;
      });
      xhr.upload.addEventListener("load", () => {
        bar.removeAttribute("value");
        text.textContent = words.reading || "";
      });
      xhr.addEventListener("load", () => {
        if (xhr.status < 400 && xhr.responseURL) {
          window.location.assign(xhr.responseURL);
          return;
        }
        // A refusal comes back as the form with its messages: show it as the page.
        const doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        document.title = doc.title;
        document.body.replaceWith(doc.body);
        const summary = document.querySelector(".error-summary");
        if (summary instanceof HTMLElement) summary.focus();
      });
      xhr.addEventListener("error", () => {
        text.textContent = words.failed || "";
        if (button instanceof HTMLButtonElement) button.disabled = false;
      });
      xhr.send(new FormData(form));
    });
  }

  // Reading or applying under way: follow it without reloading, then show the result.
  const section = document.querySelector("[data-import-progress]");
  if (section instanceof HTMLElement) {
    const url = section.getAttribute("data-import-progress");
    const bar = section.querySelector("progress");
    const text = section.querySelector(".progress-text");
    const tick = async () => {
      try {
        const res = await fetch(url, { headers: { accept: "application/json" }, credentials: "same-origin", cache: "no-store" });
        if (!res.ok) throw new Error(String(res.status));
        const p = await res.json();
        if (bar) bar.value = p.pct;
        if (text) text.textContent = p.text;
        if (!p.busy) {
          window.location.reload();
          return;
        }
      } catch {
        // A missed poll is retried; the page's own link still works.
      }
      setTimeout(tick, 700);
    };
    setTimeout(tick, 400);
  }
})();
