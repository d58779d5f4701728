// The console works without this script; it only adds keyboard shortcuts for now.
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
