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
})();
