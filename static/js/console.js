// The console works without this script; it only adds keyboard shortcuts.
// - "g d" goes to the dashboard; "?" lists every shortcut (also the "Shortcuts" button).
// - A page offers its own with data-shortcut="<key>" on a link or button (pressed) or a field
//   (focused); its aria-label, label or text names it in the list, and aria-keyshortcuts tells screen readers.
// - Keys typed in a field, or with Ctrl, Alt or Meta held, are never taken.
// - Single-key shortcuts can be switched off in the list (WCAG 2.1.4; remembered in this browser).
// And a live preview: a form with data-preview="<console URL>" and data-preview-target="<id>" posts
// its fields (the CSRF value with them) there as the person types, and shows the HTML fragment the
// server answers in that element. Without script, the form's own Preview button does the same.
(() => {
  const STORE = "lookout-console-shortcuts";
  const BUILT_IN = [
    { keys: "g d", does: "Go to the dashboard", run: () => window.location.assign("/console") },
    { keys: "?", does: "Show this list", run: () => openList() },
  ];
  const enabled = () => {
    try {
      return localStorage.getItem(STORE) !== "off";
    } catch {
      return true;
    }
  };
  const own = () =>
    [...document.querySelectorAll("[data-shortcut]")].map((element) => ({
      keys: element.getAttribute("data-shortcut"),
      does: (element.getAttribute("aria-label") || element.labels?.[0]?.textContent || element.textContent).trim(),
      run: () => (element.matches("input, textarea, select") ? element.focus() : element.click()),
    }));
  for (const element of document.querySelectorAll("[data-shortcut]")) {
    element.setAttribute("aria-keyshortcuts", element.getAttribute("data-shortcut"));
  }

  let on = enabled();
  let dialog = null;
  function openList() {
    dialog?.remove();
    dialog = document.createElement("dialog");
    dialog.className = "shortcuts";
    dialog.setAttribute("aria-labelledby", "shortcuts-title");
    const title = document.createElement("h2");
    title.id = "shortcuts-title";
    title.textContent = "Keyboard shortcuts";
    const list = document.createElement("dl");
    for (const shortcut of [...BUILT_IN, ...own()]) {
      const keys = document.createElement("dt");
      for (const key of shortcut.keys.split(" "))
        keys.append(Object.assign(document.createElement("kbd"), { textContent: key }), " ");
      list.append(keys, Object.assign(document.createElement("dd"), { textContent: shortcut.does }));
    }
    const toggle = document.createElement("label");
    const box = Object.assign(document.createElement("input"), { type: "checkbox", checked: enabled() });
    box.addEventListener("change", () => {
      try {
        localStorage.setItem(STORE, box.checked ? "on" : "off");
      } catch {
        // Storage refused (private window): the choice lasts until the page changes.
      }
      on = box.checked;
    });
    toggle.append(box, " Use single-key shortcuts");
    const close = Object.assign(document.createElement("button"), { type: "button", textContent: "Close" });
    close.addEventListener("click", () => dialog.close());
    dialog.append(title, list, toggle, close);
    document.body.append(dialog);
    dialog.showModal();
  }

  const bar = document.querySelector(".console-viewer");
  if (bar) {
    const button = Object.assign(document.createElement("button"), { type: "button", textContent: "Shortcuts" });
    button.className = "link";
    button.setAttribute("aria-keyshortcuts", "?");
    button.addEventListener("click", openList);
    bar.insertBefore(button, bar.querySelector("form"));
  }

  let typed = "";
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (!on || dialog?.open) return;
    if (target instanceof Element && target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.metaKey || event.ctrlKey || event.altKey || event.key.length !== 1) return;
    typed = `${typed} ${event.key}`.trim().split(" ").slice(-2).join(" ");
    const shortcut = [...BUILT_IN, ...own()].find((s) => s.keys === typed || s.keys === event.key);
    if (!shortcut) return;
    event.preventDefault();
    typed = "";
    shortcut.run();
  });

  // Live preview: a form with data-preview="<url>" and data-preview-target="<id>" is posted there
  // (its fields, the CSRF value and action=preview, which writes nothing) a moment after the last
  // keystroke, and the element with that id in the answer replaces the target's content. The
  // page's own Preview button does the same without JavaScript.
  for (const form of document.querySelectorAll("form[data-preview]")) {
    const url = new URL(form.getAttribute("data-preview"), window.location.href);
    const id = form.getAttribute("data-preview-target") || "";
    const target = document.getElementById(id);
    if (url.origin !== window.location.origin || !target) continue;
    if (!target.hasAttribute("aria-live")) target.setAttribute("aria-live", "polite");
    let timer = 0;
    let asked = 0;
    const preview = async () => {
      const mine = ++asked;
      const body = new URLSearchParams();
      for (const [name, value] of new FormData(form)) if (typeof value === "string") body.append(name, value);
      body.set("action", "preview");
      try {
        const response = await fetch(url, { method: "POST", body, credentials: "same-origin" });
        const html = await response.text();
        // An answer overtaken by a later keystroke's is dropped; only HTML is shown.
        if (mine !== asked || !(response.headers.get("content-type") || "").startsWith("text/html")) return;
        const answer = new DOMParser().parseFromString(html, "text/html");
        const part = answer.getElementById(id) || answer.body;
        target.replaceChildren(...part.childNodes);
      } catch {
        // Offline or refused: the last preview stays, and the Preview button still works.
      }
    };
    form.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(preview, 300);
    });
  }
})();
