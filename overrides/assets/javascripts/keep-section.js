// Switching language keeps the reader's section: the zh and en pages give every heading the same
// id, and the language links point at the same page in the other language, so carry the #id over.
document.addEventListener(
  "click",
  (event) => {
    const link = event.target instanceof Element && event.target.closest("a.md-select__link[hreflang]");
    if (!link || !location.hash || event.button !== 0 || event.metaKey || event.ctrlKey) return;
    event.preventDefault();
    event.stopPropagation();
    location.assign(link.href.split("#")[0] + location.hash);
  },
  true,
);
