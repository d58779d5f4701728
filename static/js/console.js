// The console works without this script; it only adds keyboard shortcuts and the room's live preview.
// "g d" goes to the dashboard from anywhere outside a text field.
(() => {
  let last = "";
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (target instanceof HTMLElement && target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.metaKey || event.ctrlKey || event.altKey) return;
    if (last === "g" && event.key === "d") window.location.assign("/console");
    last = event.key;
  });
})();

// The incident room's live preview: while someone types an update, the preview the "Preview"
// button shows (the same form posted with action=preview; it writes nothing) is fetched from the
// same origin and swapped in, so what readers, subscribers and webhooks will get follows the words.
(() => {
  for (const form of document.querySelectorAll("form[data-live-preview]")) {
    let timer = 0;
    let sent = 0;
    const refresh = async () => {
      const body = new URLSearchParams(new FormData(form));
      body.set("action", "preview");
      const mine = ++sent;
      try {
        // Not form.action: the form's buttons are named "action", which shadows the property.
        const response = await fetch(form.getAttribute("action"), { method: "POST", body, credentials: "same-origin" });
        if (mine !== sent || !response.ok) return;
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        const fresh = page.getElementById("preview");
        if (!fresh) return;
        const current = document.getElementById("preview");
        if (current) current.replaceWith(fresh);
        else form.closest("section")?.before(fresh);
      } catch {
        // Offline or refused: the Preview button still works.
      }
    };
    form.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, 600);
    });
  }
})();
